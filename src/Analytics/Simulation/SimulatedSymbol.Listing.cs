using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>The listing: expiries, strikes, the morning open interest, the IV smile and quotes.</summary>
internal sealed partial class SimulatedSymbol
{
    /// <summary>Strikes listed each side of the money per expiry.</summary>
    private const int StrikesEachSide = 20;

    public ChainEvent Chain(DateTimeOffset ts, PricingParameters pricing, bool withOi)
    {
        var contracts = new List<ChainContract>();
        var years = 0.0;
        var lastExpiry = default(DateOnly);
        foreach (var (key, baselineOi) in _listing)
        {
            if (key.Expiry != lastExpiry)
            {
                years = TimeToExpiry.Years(ts, key.Expiry);
                lastExpiry = key.Expiry;
            }

            var iv = Smile(key.Strike, years);
            var (bid, ask) = Quote(BlackScholes.Price(key.Right, _spot, key.Strike, years, iv, pricing));
            contracts.Add(new ChainContract(key, withOi ? baselineOi : 0, Math.Round(iv, 4), bid, ask));
        }

        return new ChainEvent(ts, _u.Symbol, Math.Round(_spot, 2), contracts);
    }

    /// <summary>Every listed contract with its settled open interest, in chain order (expiry, strike, call then put).</summary>
    private List<(OptionKey Contract, long BaselineOi)> List()
    {
        var listing = new List<(OptionKey, long)>();
        var oiRng = new SimRandom(SimRandom.Derive(SimRandom.Hash(_u.Symbol), (ulong)_date.DayNumber, 0x01));
        foreach (var expiry in _expiries)
        {
            var step = StepFor(expiry);
            var atm = Math.Round(_u.Spot / step) * step; // listing is fixed at the opening reference price
            var dte = expiry.DayNumber - _date.DayNumber;
            var expiryWeight = dte == 0 ? 0.35 : IsMonthly(expiry) ? 1.6 : 1.0 / (1 + (dte / 30.0));
            for (var k = -StrikesEachSide; k <= StrikesEachSide; k++)
            {
                var strike = Math.Round(atm + (k * step), 3);
                if (strike <= 0 || !OptionKey.TryCreate(expiry, strike, OptionRight.Call, out var call))
                {
                    continue;
                }

                var distance = k / 6.0;
                var roundBonus = strike % (step * 5) == 0 ? 1.8 : 1.0;
                var baseOi = _u.PrintsPerMinute * 220 * expiryWeight * roundBonus * Math.Exp(-0.5 * distance * distance);
                listing.Add((call, (long)Math.Round(baseOi * _callOiWeight * (0.6 + (0.8 * oiRng.NextDouble())))));
                listing.Add((call with { Right = OptionRight.Put }, (long)Math.Round(baseOi * _putOiWeight * (0.6 + (0.8 * oiRng.NextDouble())))));
            }
        }

        return listing;
    }

    private static double Clamp(double atm, double step, double strike) =>
        Math.Round(Math.Clamp(strike, Math.Max(step, atm - (StrikesEachSide * step)), atm + (StrikesEachSide * step)), 3);

    private double StepFor(DateOnly expiry)
    {
        var dte = expiry.DayNumber - _date.DayNumber;
        return _u.StrikeStep * (dte <= 10 ? 1 : dte <= 40 ? 2 : 5);
    }

    private double Smile(double strike, double years)
    {
        var m = Math.Log(strike / _spot) / Math.Max(0.05, _u.Volatility * Math.Sqrt(Math.Max(years, 1.0 / 365)));
        var term = 1 + (0.12 * Math.Exp(-years * 365 / 7));
        var iv = _u.Volatility * term * (1 - (0.08 * _skew * m) + (0.025 * m * m));
        return Math.Clamp(iv, 0.05, 3);
    }

    private static double Tick(double price) => price < 3 ? 0.01 : 0.05;

    private static (double Bid, double Ask) Quote(double theo)
    {
        var tick = Tick(theo);
        var half = Math.Max(tick, RoundTo(theo * 0.025, tick));
        var bid = Math.Max(0, RoundTo(theo - half, tick));
        var ask = Math.Max(bid + tick, RoundTo(theo + half, tick));
        return (Math.Round(bid, 2), Math.Round(ask, 2));
    }

    private static double RoundTo(double value, double tick) => Math.Round(value / tick) * tick;

    private static bool IsMonthly(DateOnly d) => d.DayOfWeek == DayOfWeek.Friday && d.Day is >= 15 and <= 21;

    private static DateOnly[] ListExpiries(ExpiryStyle style, DateOnly date)
    {
        var set = new SortedSet<DateOnly>();
        var d = date;
        var weekdays = 0;
        while (weekdays < (style == ExpiryStyle.Daily ? 5 : 0))
        {
            if (NewYorkTime.IsWeekday(d))
            {
                set.Add(d);
                weekdays++;
            }

            d = d.AddDays(1);
        }

        var friday = date.AddDays(((int)DayOfWeek.Friday - (int)date.DayOfWeek + 7) % 7);
        for (var w = 0; w < 5; w++)
        {
            set.Add(friday.AddDays(7 * w));
        }

        var month = new DateOnly(date.Year, date.Month, 1);
        for (var m = 0; set.Count(IsMonthly) < 3 && m < 6; m++)
        {
            var first = month.AddMonths(m);
            var third = first.AddDays((((int)DayOfWeek.Friday - (int)first.DayOfWeek + 7) % 7) + 14);
            if (third >= date)
            {
                set.Add(third);
            }
        }

        return [.. set];
    }
}
