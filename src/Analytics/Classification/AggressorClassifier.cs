using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Classification;

/// <summary>Aggressor side of a print (docs/methodology.md §2).</summary>
public enum AggressorSide : byte
{
    Mid = 0,
    Buy = 1,
    Sell = 2,
}

/// <summary>
/// The classified side of a print and the rule's own confidence in it, in halves (2 = full, 1 = half, 0 = none). The
/// API's positioning estimates read the buy probability instead (<see cref="TradeSignModel"/>); the halves remain the
/// rule "read as a probability" that the accuracy report compares it with (docs/methodology.md "Accuracy").
/// </summary>
public readonly record struct SideClassification(AggressorSide Side, byte ConfidenceHalves)
{
    /// <summary>s = +1 buy, −1 sell, 0 mid.</summary>
    public int Sign => Side switch { AggressorSide.Buy => 1, AggressorSide.Sell => -1, _ => 0 };

    public double Confidence => ConfidenceHalves / 2.0;
}

/// <summary>
/// docs/methodology.md §2: the print's own <c>side</c> if given; else buy at or above the ask, sell at or below the bid, otherwise
/// buy above the mid, sell below it, mid at it; mid when there is no quote. Confidence: full for a given side or a
/// print at or through the quote, half inside the spread, none at the mid or without a quote. Thread-safe (stateless).
/// </summary>
public static class AggressorClassifier
{
    private static readonly SideClassification Mid = new(AggressorSide.Mid, 0);

    /// <summary>
    /// The side the aggregates count a print on (docs/methodology.md §2): a leg of a multi-leg order (condition
    /// <c>multi_leg</c>) is counted at the mid, whatever its price or <c>side</c>, since one leg's side says nothing of
    /// the package's direction; every other print by <see cref="Classify(double, double, double, SideHint)"/>.
    /// </summary>
    public static SideClassification Classify(in TradeEvent trade) =>
        (trade.Conditions & TradeConditions.MultiLeg) != 0 ? Mid : Classify(trade.Price, trade.Bid, trade.Ask, trade.Side);

    public static SideClassification Classify(double price, double bid, double ask, SideHint hint)
    {
        switch (hint)
        {
            case SideHint.Buy: return new(AggressorSide.Buy, 2);
            case SideHint.Sell: return new(AggressorSide.Sell, 2);
            case SideHint.Mid: return Mid;
        }

        if (!HasQuote(bid, ask))
        {
            return Mid;
        }

        if (price >= ask)
        {
            return new(AggressorSide.Buy, 2);
        }

        if (price <= bid)
        {
            return new(AggressorSide.Sell, 2);
        }

        // Compare 2·price with bid + ask so that a print exactly at the mid is not lost to rounding.
        var twiceMid = bid + ask;
        var diff = (2 * price) - twiceMid;
        if (Math.Abs(diff) <= 1e-9 * Math.Max(1, twiceMid))
        {
            return Mid;
        }

        return new(diff > 0 ? AggressorSide.Buy : AggressorSide.Sell, 1);
    }

    /// <summary>A usable two-sided quote: both sides present, non-negative, ask above zero and not below the bid.</summary>
    public static bool HasQuote(double bid, double ask) => bid >= 0 && ask > 0 && ask >= bid;
}
