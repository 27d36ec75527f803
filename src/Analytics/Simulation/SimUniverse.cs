namespace FlowFunctions.Analytics.Simulation;

/// <summary>How an underlying's options are listed.</summary>
public enum ExpiryStyle : byte
{
    /// <summary>An expiry every weekday (SPY, QQQ, IWM, SPX): 0DTE every day.</summary>
    Daily = 1,

    /// <summary>Friday weeklies and third-Friday monthlies: 0DTE on Fridays.</summary>
    Weekly = 2,
}

/// <summary>One simulated underlying: opening spot, annual volatility, prints per minute, strike step, listing.</summary>
public sealed record SimUnderlying(string Symbol, double Spot, double Volatility, double PrintsPerMinute, double StrikeStep, ExpiryStyle Expiries);

/// <summary>
/// The simulated universe: 64 liquid names with realistic prices, volatilities and activity, extendable with
/// synthetic tickers for full-market load. Thread-safe (immutable).
/// </summary>
public static class SimUniverse
{
    public static IReadOnlyList<SimUnderlying> Core { get; } =
    [
        new("SPY", 590, 0.14, 120, 1, ExpiryStyle.Daily),
        new("QQQ", 515, 0.18, 70, 1, ExpiryStyle.Daily),
        new("SPX", 5900, 0.14, 55, 5, ExpiryStyle.Daily),
        new("IWM", 218, 0.21, 30, 1, ExpiryStyle.Daily),
        new("NVDA", 138, 0.48, 65, 1, ExpiryStyle.Weekly),
        new("TSLA", 342, 0.58, 70, 2.5, ExpiryStyle.Weekly),
        new("AAPL", 229, 0.24, 32, 2.5, ExpiryStyle.Weekly),
        new("AMD", 152, 0.45, 24, 1, ExpiryStyle.Weekly),
        new("META", 612, 0.34, 22, 5, ExpiryStyle.Weekly),
        new("AMZN", 208, 0.32, 26, 2.5, ExpiryStyle.Weekly),
        new("MSFT", 438, 0.24, 18, 5, ExpiryStyle.Weekly),
        new("GOOGL", 176, 0.30, 16, 2.5, ExpiryStyle.Weekly),
        new("NFLX", 905, 0.36, 10, 5, ExpiryStyle.Weekly),
        new("AVGO", 232, 0.46, 14, 2.5, ExpiryStyle.Weekly),
        new("PLTR", 81, 0.62, 24, 1, ExpiryStyle.Weekly),
        new("COIN", 262, 0.70, 14, 2.5, ExpiryStyle.Weekly),
        new("MSTR", 348, 0.85, 16, 5, ExpiryStyle.Weekly),
        new("SMCI", 41, 0.80, 10, 1, ExpiryStyle.Weekly),
        new("INTC", 22.4, 0.45, 8, 0.5, ExpiryStyle.Weekly),
        new("MU", 104, 0.50, 9, 1, ExpiryStyle.Weekly),
        new("BA", 176, 0.36, 7, 2.5, ExpiryStyle.Weekly),
        new("JPM", 241, 0.22, 6, 2.5, ExpiryStyle.Weekly),
        new("BAC", 44.5, 0.26, 6, 0.5, ExpiryStyle.Weekly),
        new("XOM", 111, 0.24, 5, 1, ExpiryStyle.Weekly),
        new("CVX", 152, 0.24, 3, 2.5, ExpiryStyle.Weekly),
        new("WMT", 91, 0.20, 5, 1, ExpiryStyle.Weekly),
        new("COST", 905, 0.22, 3, 5, ExpiryStyle.Weekly),
        new("DIS", 111, 0.28, 4, 1, ExpiryStyle.Weekly),
        new("NKE", 76, 0.34, 4, 1, ExpiryStyle.Weekly),
        new("UBER", 74, 0.40, 6, 1, ExpiryStyle.Weekly),
        new("SHOP", 106, 0.55, 5, 1, ExpiryStyle.Weekly),
        new("BABA", 94, 0.42, 8, 1, ExpiryStyle.Weekly),
        new("PYPL", 76, 0.36, 4, 1, ExpiryStyle.Weekly),
        new("HOOD", 46, 0.70, 9, 1, ExpiryStyle.Weekly),
        new("SOFI", 15.2, 0.65, 7, 0.5, ExpiryStyle.Weekly),
        new("RIVN", 13.1, 0.70, 5, 0.5, ExpiryStyle.Weekly),
        new("F", 10.9, 0.32, 4, 0.5, ExpiryStyle.Weekly),
        new("GM", 51, 0.34, 3, 1, ExpiryStyle.Weekly),
        new("T", 22.1, 0.20, 2, 0.5, ExpiryStyle.Weekly),
        new("PFE", 26.8, 0.24, 3, 0.5, ExpiryStyle.Weekly),
        new("MRNA", 41, 0.60, 3, 1, ExpiryStyle.Weekly),
        new("LLY", 845, 0.32, 5, 5, ExpiryStyle.Weekly),
        new("UNH", 548, 0.30, 5, 5, ExpiryStyle.Weekly),
        new("V", 312, 0.20, 3, 2.5, ExpiryStyle.Weekly),
        new("MA", 521, 0.20, 2, 5, ExpiryStyle.Weekly),
        new("CRM", 322, 0.34, 4, 2.5, ExpiryStyle.Weekly),
        new("ORCL", 178, 0.38, 5, 2.5, ExpiryStyle.Weekly),
        new("ADBE", 452, 0.34, 3, 5, ExpiryStyle.Weekly),
        new("QCOM", 161, 0.36, 3, 2.5, ExpiryStyle.Weekly),
        new("ARM", 141, 0.65, 5, 2.5, ExpiryStyle.Weekly),
        new("TSM", 201, 0.38, 6, 2.5, ExpiryStyle.Weekly),
        new("SNOW", 163, 0.50, 3, 2.5, ExpiryStyle.Weekly),
        new("ROKU", 76, 0.55, 2, 1, ExpiryStyle.Weekly),
        new("DKNG", 41, 0.50, 3, 1, ExpiryStyle.Weekly),
        new("GLD", 241, 0.16, 7, 1, ExpiryStyle.Weekly),
        new("SLV", 28.4, 0.28, 5, 0.5, ExpiryStyle.Weekly),
        new("TLT", 90.5, 0.15, 8, 1, ExpiryStyle.Weekly),
        new("XLF", 48.3, 0.18, 4, 0.5, ExpiryStyle.Weekly),
        new("XLE", 91, 0.24, 3, 1, ExpiryStyle.Weekly),
        new("EEM", 43.2, 0.18, 4, 0.5, ExpiryStyle.Weekly),
        new("HYG", 79.4, 0.07, 3, 0.5, ExpiryStyle.Weekly),
        new("KRE", 61, 0.30, 3, 1, ExpiryStyle.Weekly),
        new("SMH", 242, 0.40, 4, 2.5, ExpiryStyle.Weekly),
        new("GME", 27.3, 0.90, 6, 0.5, ExpiryStyle.Weekly),
    ];

    /// <summary>
    /// The core names followed by synthetic tickers (<c>X0001</c>, ...) up to <paramref name="size"/>, with prices,
    /// volatilities and activity drawn from <paramref name="seed"/>. A size at or below the core count gives the core.
    /// </summary>
    public static IReadOnlyList<SimUnderlying> Build(int size, ulong seed)
    {
        if (size <= Core.Count)
        {
            return Core;
        }

        var list = new List<SimUnderlying>(Core);
        var rng = new SimRandom(SimRandom.Derive(seed, 0x5EED));
        for (var i = 1; list.Count < size; i++)
        {
            var spot = Math.Round(Math.Exp(Math.Log(5) + (rng.NextDouble() * Math.Log(100))), 2);
            var step = spot < 25 ? 0.5 : spot < 200 ? 1 : spot < 500 ? 2.5 : 5;
            list.Add(new SimUnderlying($"X{i:D4}", spot, 0.2 + (rng.NextDouble() * 0.6), 0.2 + (rng.NextDouble() * 1.5), step, ExpiryStyle.Weekly));
        }

        return list;
    }
}
