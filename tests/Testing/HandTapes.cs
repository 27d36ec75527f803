using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using static FlowFunctions.Testing.TestEvents;

namespace FlowFunctions.Testing;

/// <summary>Tapes the integration tests ingest, all on 2026-06-05 before <see cref="FlowApiFactory.DefaultNow"/> (18:45Z).</summary>
public static class HandTapes
{
    public const string Today = "2026-06-05";
    public const string Later = "2026-06-19";

    public static DateTimeOffset At(int hour, int minute, int second) => new(2026, 6, 5, hour, minute, second, TimeSpan.Zero);

    /// <summary>
    /// Eight prints on three names, small enough to total by hand (HandComputedTapeTests spells the totals out).
    /// SPY's 0DTE prints carry spot and IV, so their greeks need nothing else.
    /// </summary>
    public static IReadOnlyList<object> Hand { get; } =
    [
        Trade(At(18, 40, 10), "SPY", Today, 590, "C", 1.32, 10, bid: 1.30, ask: 1.33, spot: 590.42, iv: 0.18),  // above mid: buy
        Trade(At(18, 40, 30), "SPY", Today, 590, "C", 1.30, 4, bid: 1.30, ask: 1.33, spot: 590.40, iv: 0.18),   // at bid: sell
        Trade(At(18, 41, 5), "SPY", Today, 589, "P", 1.10, 6, spot: 590.50, iv: 0.20, side: "buy"),             // side given
        Trade(At(18, 41, 40), "SPY", Later, 600, "C", 2.50, 20, bid: 2.40, ask: 2.50, spot: 590.55),            // at ask: buy, not 0DTE
        Trade(At(18, 42, 0), "SPY", Today, 591, "C", 0.90, 3, bid: 0.88, ask: 0.92, spot: 590.60, iv: 0.18),    // at mid: mid
        Trade(At(18, 41, 0), "QQQ", Later, 500, "P", 3.00, 50, spot: 510, side: "sell"),
        Trade(At(18, 43, 0), "QQQ", Later, 505, "C", 1.00, 5, spot: 510.2, side: "buy"),
        Trade(At(18, 44, 0), "NVDA", Later, 130, "C", 4.00, 100, spot: 131, side: "buy"),
    ];

    /// <summary>
    /// A morning chain for SPY two weeks out (560–620 every 2, OI 5,000, IV 18 %, quotes 2 % either side of the BSM
    /// price) and a one-sided afternoon of call buying: flow anomaly proposes a short put spread on it.
    /// </summary>
    public static IReadOnlyList<object> Bullish()
    {
        var events = new List<object>();
        var expiry = new DateOnly(2026, 6, 19);
        var baseline = At(13, 25, 0);
        var contracts = new List<object>();
        for (var strike = 560; strike <= 620; strike += 2)
        {
            foreach (var right in new[] { "C", "P" })
            {
                var price = BsmPrice(right, 590, strike, baseline, expiry);
                contracts.Add(Contract(Later, strike, right, 5_000, 0.18, Math.Round(price * 0.98, 2), Math.Round(price * 1.02, 2)));
            }
        }

        events.Add(Chain(baseline, "SPY", 590, [.. contracts]));
        var ts = At(15, 0, 0);
        for (var i = 0; i < 240; i++)
        {
            var strike = 590 + (i % 6) * 2;
            var price = Math.Round(BsmPrice("C", 590, strike, ts, expiry) * 1.02, 2);
            events.Add(Trade(ts, "SPY", Later, strike, "C", price, 60, bid: Math.Round(price * 0.96, 2), ask: price, spot: 590));
            if (i % 12 == 0)
            {
                var put = Math.Round(BsmPrice("P", 590, 580, ts, expiry), 2);
                events.Add(Trade(ts, "SPY", Later, 580, "P", put, 5, side: "buy", spot: 590));
            }

            ts = ts.AddSeconds(30);
        }

        events.Add(Trade(At(18, 44, 0), "SPY", Today, 590, "C", 1.10, 12, side: "buy", spot: 590.1, iv: 0.17));
        return events;
    }

    private static double BsmPrice(string right, double spot, double strike, DateTimeOffset at, DateOnly expiry) =>
        BlackScholes.Price(right == "C" ? OptionRight.Call : OptionRight.Put, spot, strike, TimeToExpiry.Years(at, expiry), 0.18, PricingParameters.Default);
}
