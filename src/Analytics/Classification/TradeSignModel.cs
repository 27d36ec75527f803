using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Classification;

/// <summary>
/// The probability that a print was buyer-initiated (docs/methodology.md §2): the print's own <c>side</c> when the
/// feed gives one, else the share of buyer-initiated prints among the simulated prints of its
/// <see cref="SignFeatures"/> cell, fitted on simulated seeds 1–50 (<see cref="TradeSignTable"/>) and measured on seeds
/// 51–100 (docs/methodology.md "Accuracy"). In thousandths, so that sums over prints stay exact integers.
/// Thread-safe (stateless).
/// </summary>
public static class TradeSignModel
{
    /// <summary>The fitted table: per cell, the buy probability in thousandths.</summary>
    public static ReadOnlySpan<ushort> Table => TradeSignTable.Milli;

    /// <summary>The buy probability of a print in thousandths (0 to 1,000).</summary>
    public static int BuyMilli(double price, double bid, double ask, int size, TradeConditions conditions, SideHint hint) =>
        hint switch
        {
            SideHint.Buy => 1000,
            SideHint.Sell => 0,
            SideHint.Mid => 500,
            _ => TradeSignTable.Milli[SignFeatures.Of(price, bid, ask, size, conditions).Cell],
        };

    public static int BuyMilli(in TradeEvent trade) =>
        BuyMilli(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions, trade.Side);
}
