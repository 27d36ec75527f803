using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Testing;

namespace FlowFunctions.Analytics.Tests;

public sealed class FlowFoldTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 5)]
    [InlineData(3, 17)]
    public void MergeOfRandomSplitsEqualsOneFold(int seed, int parts)
    {
        var trades = SimulatedDays.Day(seed: 11, symbols: 20, intensity: 0.5).Trades;
        var whole = new FlowFold(PricingParameters.Default);
        foreach (var t in trades)
        {
            whole.Add(t, t.Spot, t.Iv);
        }

        // Random assignment of prints to parts, each part folded in a shuffled order, then merged in random order.
        var rng = new Random(seed);
        var folds = Enumerable.Range(0, parts).Select(_ => new FlowFold(PricingParameters.Default)).ToArray();
        foreach (var t in trades.OrderBy(_ => rng.Next()))
        {
            folds[rng.Next(parts)].Add(t, t.Spot, t.Iv);
        }

        var merged = new FlowFold(PricingParameters.Default);
        foreach (var f in folds.OrderBy(_ => rng.Next()))
        {
            merged.Merge(f);
        }

        Assert.True(trades.Count > 50_000, $"tape too small: {trades.Count}");
        AssertSame(whole.Minutes, merged.Minutes);
        AssertSame(whole.Contracts, merged.Contracts);
        AssertSame(whole.ZeroDteStrikes, merged.ZeroDteStrikes);
        Assert.Equal(whole.Stats, merged.Stats);
    }

    [Fact]
    public void MinuteTallyCountsSidesPremiumAndLatestPrint()
    {
        var fold = new FlowFold(PricingParameters.Default);
        var key = new OptionKey(new DateOnly(2026, 6, 19), 590_000, OptionRight.Call);
        var t0 = new DateTimeOffset(2026, 6, 5, 18, 44, 3, TimeSpan.Zero);
        fold.Add(new TradeEvent(t0, "SPY", key, 1.33, 10, 1.30, 1.33), 590, 0.2);              // buy at the ask
        fold.Add(new TradeEvent(t0.AddSeconds(20), "SPY", key, 1.30, 4, 1.30, 1.33), 591, 0.2); // sell at the bid
        fold.Add(new TradeEvent(t0.AddSeconds(10), "SPY", key, 1.315, 6, 1.30, 1.33), 589, 0.2); // mid
        var tally = fold.Minutes[new SymbolMinute("SPY", MinuteBucket.Of(t0))];
        Assert.Equal((10L, 4L, 6L, 3L), (tally.BuyVolume, tally.SellVolume, tally.MidVolume, tally.TradeCount));
        Assert.Equal((133_000L, 52_000L, 78_900L), (tally.BuyPremiumCents, tally.SellPremiumCents, tally.MidPremiumCents));
        Assert.Equal(6, tally.NetVolume);
        Assert.Equal(((1.33 * 10) + (1.30 * 4) + (1.315 * 6)) / 20, tally.Vwap, 12);
        Assert.Equal(591, tally.Last.Spot);
        var day = fold.Contracts[new ContractDay("SPY", new DateOnly(2026, 6, 5), key)];
        var q = (Buy: TradeSignModel.BuyMilli(1.33, 1.30, 1.33, 10, TradeConditions.None, SideHint.None),
            Sell: TradeSignModel.BuyMilli(1.30, 1.30, 1.33, 4, TradeConditions.None, SideHint.None),
            Mid: TradeSignModel.BuyMilli(1.315, 1.30, 1.33, 6, TradeConditions.None, SideHint.None));
        Assert.Equal((((2L * q.Buy) - 1000) * 10) + (((2L * q.Sell) - 1000) * 4) + (((2L * q.Mid) - 1000) * 6), day.SignedMilli);
        Assert.Equal((Math.Abs((2L * q.Buy) - 1000) * 10) + (Math.Abs((2L * q.Sell) - 1000) * 4) + (Math.Abs((2L * q.Mid) - 1000) * 6), day.DecisiveMilli);
        Assert.Empty(fold.ZeroDteStrikes); // not today's expiry
    }

    [Fact]
    public void ZeroDtePrintsCarrySignedDeltaAndGammaDollars()
    {
        var today = new DateOnly(2026, 6, 5);
        var ts = new DateTimeOffset(2026, 6, 5, 18, 0, 0, TimeSpan.Zero); // two hours to the close
        var put = new OptionKey(today, 590_000, OptionRight.Put);
        var fold = new FlowFold(PricingParameters.Default);
        fold.Add(new TradeEvent(ts, "SPY", put, 1.50, 10, 1.45, 1.50), 590, 0.15); // customer buys puts
        var cell = Assert.Single(fold.ZeroDteStrikes).Value;
        var years = 2.0 * 3600 / TimeToExpiry.SecondsPerYear;
        var g = BlackScholes.Greeks(OptionRight.Put, 590, 590, years, 0.15, PricingParameters.Default);
        Assert.Equal(Math.Round(g.Delta * 10 * 100 * 590 * 100), (double)cell.SignedDeltaCents);
        var deltaChange = BlackScholes.Greeks(OptionRight.Put, 590 * 1.005, 590, years, 0.15, PricingParameters.Default).Delta
            - BlackScholes.Greeks(OptionRight.Put, 590 * 0.995, 590, years, 0.15, PricingParameters.Default).Delta;
        Assert.Equal(Math.Round(deltaChange * 10 * 100 * 590 * 100), (double)cell.SignedGammaCents);
        Assert.True(cell.SignedDeltaCents < 0 && cell.SignedGammaCents > 0, "bought puts: negative delta-dollars, positive gamma-dollars");
        Assert.Equal(10, cell.Contracts);
    }

    [Fact]
    public void LegsOfMultiLegOrdersCountAtTheMidWhileTheirBuyProbabilityStillCounts()
    {
        var today = new DateOnly(2026, 6, 5);
        var ts = new DateTimeOffset(2026, 6, 5, 18, 0, 0, TimeSpan.Zero);
        var call = new OptionKey(today, 590_000, OptionRight.Call);
        var fold = new FlowFold(PricingParameters.Default);
        var leg = new TradeEvent(ts, "SPY", call, 1.50, 10, 1.45, 1.50, Side: SideHint.Buy, Conditions: TradeConditions.MultiLeg);
        fold.Add(leg, 590, 0.15); // at the ask, even marked a buy: one leg of a package
        var tally = Assert.Single(fold.Minutes).Value;
        Assert.Equal((0L, 0L, 10L, 150_000L, 0L), (tally.BuyVolume, tally.SellVolume, tally.MidVolume, tally.MidPremiumCents, tally.NetPremiumCents));
        var cell = Assert.Single(fold.ZeroDteStrikes).Value;
        Assert.Equal((0L, 0L, 10L), (cell.SignedDeltaCents, cell.SignedGammaCents, cell.Contracts));
        var day = Assert.Single(fold.Contracts).Value;
        Assert.Equal(((2L * TradeSignModel.BuyMilli(leg)) - 1000) * 10, day.SignedMilli);
        Assert.NotEqual(0, day.SignedMilli);
    }

    [Fact]
    public void PrintsWithoutSpotOrIvUseTheMarketState()
    {
        var parser = new EventParser(new SymbolTable());
        var batch = parser.Parse("""
            {"type":"chain","ts":"2026-06-05T13:25:00Z","underlying":"SPY","contracts":[{"expiry":"2026-06-05","strike":590,"right":"C","oi":100,"iv":0.2,"bid":1,"ask":1.1}]}
            {"type":"spot","ts":"2026-06-05T18:00:00Z","underlying":"SPY","price":590}
            {"type":"trade","ts":"2026-06-05T18:00:01Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","price":1.1,"size":5,"bid":1,"ask":1.1}
            """u8);
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, new MarketState());
        var cell = Assert.Single(fold.ZeroDteStrikes).Value;
        Assert.Equal((590.0, 0.2), (cell.Last.Spot, cell.Last.Iv));
        Assert.True(cell.SignedDeltaCents > 0);
        Assert.Equal(0, fold.Stats.ZeroDteWithoutIv + fold.Stats.ZeroDteWithoutSpot);
    }

    [Fact]
    public void WindowIsTheLastNMinuteBucketsEndingNow()
    {
        var now = new DateTimeOffset(2026, 6, 5, 18, 44, 30, TimeSpan.Zero);
        var (first, last) = MinuteBucket.Window(now, 3);
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 18, 42, 0, TimeSpan.Zero), MinuteBucket.Start(first));
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 18, 44, 0, TimeSpan.Zero), MinuteBucket.Start(last));
    }

    private static void AssertSame<TKey, TValue>(Dictionary<TKey, TValue> expected, Dictionary<TKey, TValue> actual)
        where TKey : notnull
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var other), $"missing {key}");
            Assert.Equal(value, other);
        }
    }
}
