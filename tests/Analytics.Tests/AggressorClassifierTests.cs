using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Tests;

public sealed class AggressorClassifierTests
{
    [Theory]
    [InlineData(1.33, AggressorSide.Buy, 2)] // at the ask
    [InlineData(1.40, AggressorSide.Buy, 2)] // above the ask
    [InlineData(1.32, AggressorSide.Buy, 1)] // inside, above the mid (1.315)
    [InlineData(1.315, AggressorSide.Mid, 0)] // exactly at the mid
    [InlineData(1.31, AggressorSide.Sell, 1)] // inside, below the mid
    [InlineData(1.30, AggressorSide.Sell, 2)] // at the bid
    [InlineData(1.20, AggressorSide.Sell, 2)] // below the bid
    public void ClassifiesAgainstTheQuote(double price, AggressorSide side, int halves)
    {
        var c = AggressorClassifier.Classify(price, 1.30, 1.33, SideHint.None);
        Assert.Equal(side, c.Side);
        Assert.Equal(halves, c.ConfidenceHalves);
    }

    [Theory]
    [InlineData(double.NaN, double.NaN)]
    [InlineData(1.30, double.NaN)]
    [InlineData(double.NaN, 1.33)]
    [InlineData(1.40, 1.30)] // crossed: not a usable quote
    public void WithoutAQuoteThePrintIsMid(double bid, double ask) =>
        Assert.Equal(AggressorSide.Mid, AggressorClassifier.Classify(1.32, bid, ask, SideHint.None).Side);

    [Theory]
    [InlineData(SideHint.Buy, AggressorSide.Buy)]
    [InlineData(SideHint.Sell, AggressorSide.Sell)]
    [InlineData(SideHint.Mid, AggressorSide.Mid)]
    public void GivenSideOverridesTheQuote(SideHint hint, AggressorSide expected) =>
        Assert.Equal(expected, AggressorClassifier.Classify(1.30, 1.30, 1.33, hint).Side);

    [Fact]
    public void ZeroBidIsAQuote() => Assert.Equal(AggressorSide.Sell, AggressorClassifier.Classify(0.01, 0, 0.05, SideHint.None).Side);

    [Fact]
    public void SignIsPlusMinusOrZero()
    {
        Assert.Equal(1, new SideClassification(AggressorSide.Buy, 2).Sign);
        Assert.Equal(-1, new SideClassification(AggressorSide.Sell, 1).Sign);
        Assert.Equal(0, new SideClassification(AggressorSide.Mid, 0).Sign);
    }

    /// <summary>The cells of the shipped buy-probability table that docs/methodology.md §2 quotes, each with its print and quote.</summary>
    [Theory]
    [InlineData(1.05, 1.00, 1.05, 5, TradeConditions.None, 996)] // 1–9 contracts at the ask of a one-tick spread
    [InlineData(1.10, 1.00, 1.10, 30, TradeConditions.None, 994)] // 10–99 at the ask of a two-tick spread
    [InlineData(1.05, 1.00, 1.05, 5, TradeConditions.Sweep, 1000)] // a sweep at the ask
    [InlineData(1.10, 1.00, 1.05, 5, TradeConditions.None, 855)] // above the ask of a one-tick spread
    [InlineData(1.05, 1.00, 1.20, 5, TradeConditions.None, 542)] // inside a four-tick spread below the mid, 1–9
    [InlineData(1.05, 1.00, 1.20, 150, TradeConditions.None, 221)] // the same, 100 or more
    [InlineData(1.00, 1.00, 1.00, 5, TradeConditions.None, 579)] // a locked quote
    [InlineData(1.05, 1.00, 1.20, 5, TradeConditions.MultiLeg, 396)] // a marked leg inside below the mid
    [InlineData(1.05, 1.00, 1.10, 5, TradeConditions.None, 581)] // at the mid of a two-tick spread
    public void TheCellsTheMethodologyQuotesAreTheShippedOnes(double price, double bid, double ask, int size, TradeConditions conditions, int buyMilli) =>
        Assert.Equal(buyMilli, TradeSignModel.BuyMilli(price, bid, ask, size, conditions, SideHint.None));
}
