using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Flow.Anomaly;

/// <summary>A leg candidate: strike, delta at request time, chain mid premium.</summary>
public readonly record struct LegQuote(double Strike, double Delta, double Premium, double Bid, double Ask, long OpenInterest);

/// <summary>
/// Short vertical credit spreads (docs/methodology.md §10): credit = short premium − long premium, max profit = credit,
/// max loss = width − credit, breakeven = short strike − credit for a put spread and + credit for a call spread.
/// Premiums are taken at 2 dp before the arithmetic, as a trader would quote them. Beside the mid, each leg's natural
/// fill (sell at the bid, buy at the ask) and the credit and max loss at those fills. All per share; × 100 per
/// contract. Thread-safe (stateless).
/// </summary>
public static class VerticalSpread
{
    public const double ShortDeltaTarget = 0.25;
    public const double LongDeltaTarget = 0.12;

    /// <summary>The spread, or null when it would not collect a credit.</summary>
    public static SpreadStructure? Build(OptionRight right, DateOnly expiry, LegQuote shortLeg, LegQuote longLeg, int edgeScore, double liquidityScore)
    {
        var shortPremium = Rounding.Price(shortLeg.Premium);
        var longPremium = Rounding.Price(longLeg.Premium);
        var credit = Rounding.Price(shortPremium - longPremium);
        var width = Math.Abs(shortLeg.Strike - longLeg.Strike);
        if (!(credit > 0) || width <= 0 || credit >= width)
        {
            return null;
        }

        var type = right.Word();
        var shortNatural = Rounding.Price(shortLeg.Bid);
        var longNatural = Rounding.Price(longLeg.Ask);
        var naturalCredit = Rounding.Price(shortNatural - longNatural);
        var breakeven = right == OptionRight.Put ? shortLeg.Strike - credit : shortLeg.Strike + credit;
        return new SpreadStructure(
            1,
            right == OptionRight.Put ? "short_put_spread" : "short_call_spread",
            expiry,
            [
                new SpreadLeg("sell", type, shortLeg.Strike, Rounding.Ratio(shortLeg.Delta), shortPremium, 1, shortNatural),
                new SpreadLeg("buy", type, longLeg.Strike, Rounding.Ratio(longLeg.Delta), longPremium, 1, longNatural),
            ],
            credit,
            null,
            credit,
            Rounding.Price(width - credit),
            [Rounding.Price(breakeven)],
            edgeScore,
            Rounding.Ratio(liquidityScore),
            naturalCredit,
            Rounding.Price(width - naturalCredit));
    }

    /// <summary>
    /// Picks the short leg nearest |Δ| 0.25 and the long leg nearest |Δ| 0.12 strictly further out of the money
    /// (lower strike for puts, higher for calls). Ties go to the further out-of-the-money strike.
    /// </summary>
    public static (LegQuote Short, LegQuote Long)? PickLegs(OptionRight right, IReadOnlyList<LegQuote> candidates)
    {
        LegQuote? best = null;
        foreach (var c in candidates)
        {
            if (Closer(right, c, best, ShortDeltaTarget))
            {
                best = c;
            }
        }

        if (best is not { } shortLeg)
        {
            return null;
        }

        LegQuote? wing = null;
        foreach (var c in candidates)
        {
            var further = right == OptionRight.Put ? c.Strike < shortLeg.Strike : c.Strike > shortLeg.Strike;
            if (further && Closer(right, c, wing, LongDeltaTarget))
            {
                wing = c;
            }
        }

        return wing is { } longLeg ? (shortLeg, longLeg) : null;
    }

    /// <summary>Liquidity of a leg, 0–1: half from the quoted spread relative to the mid, half from open interest.</summary>
    public static double Liquidity(LegQuote leg)
    {
        var mid = (leg.Bid + leg.Ask) / 2;
        var spreadPart = mid > 0 ? Math.Clamp(1 - ((leg.Ask - leg.Bid) / mid), 0, 1) : 0;
        var oiPart = Math.Min(1, leg.OpenInterest / 5_000.0);
        return (0.5 * spreadPart) + (0.5 * oiPart);
    }

    private static bool Closer(OptionRight right, LegQuote candidate, LegQuote? held, double target)
    {
        if (held is not { } h)
        {
            return true;
        }

        var dc = Math.Abs(Math.Abs(candidate.Delta) - target);
        var dh = Math.Abs(Math.Abs(h.Delta) - target);
        if (dc != dh)
        {
            return dc < dh;
        }

        return right == OptionRight.Put ? candidate.Strike < h.Strike : candidate.Strike > h.Strike;
    }
}
