using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Json;

namespace FlowFunctions.Analytics.Tests;

public sealed class SeriesTests
{
    private static FlowTally Tally(long buy, long sell, long mid, double price, long ticks)
    {
        var t = new FlowTally();
        var cents = (long)Math.Round(price * 10_000);
        var print = new LastPrint(ticks, 100, 0.2, price);
        if (buy > 0)
        {
            t.Add(AggressorSide.Buy, (int)buy, cents * buy, print);
        }

        if (sell > 0)
        {
            t.Add(AggressorSide.Sell, (int)sell, cents * sell, print);
        }

        if (mid > 0)
        {
            t.Add(AggressorSide.Mid, (int)mid, cents * mid, print);
        }

        return t;
    }

    [Fact]
    public void CumulativeRunsFromTheFirstPointAscending()
    {
        var m0 = MinuteBucket.Of(new DateTimeOffset(2026, 5, 12, 15, 0, 0, TimeSpan.Zero));
        var buckets = new Dictionary<long, FlowTally>
        {
            [m0 + 2] = Tally(3000, 850, 0, 1.34, 3),
            [m0] = Tally(2000, 180, 10, 1.32, 1),
            [m0 + 1] = Tally(100, 580, 0, 1.31, 2),
        };
        var r = CumulativeFlow.Build("SPY", 240, buckets);
        Assert.Equal(3, r.Count);
        Assert.Equal([1820L, -480, 2150], r.Points.Select(p => p.NetVolume));
        Assert.Equal([1820L, 1340, 3490], r.Points.Select(p => p.Cumulative));
        Assert.Equal([1.32, 1.31, 1.34], r.Points.Select(p => p.Vwap));
        Assert.Equal(new DateTimeOffset(2026, 5, 12, 15, 0, 0, TimeSpan.Zero), r.Points[0].Ts);
        var json = JsonSerializer.Serialize(r, AnalyticsJsonContext.Default.CumulativeFlowResponse);
        Assert.Contains("\"ts\":\"2026-05-12T15:00:00Z\",\"netVolume\":1820,\"cumulative\":1820,\"vwap\":1.32,\"tradeCount\":3", json, StringComparison.Ordinal);
        Assert.Equal((1, 10_080, 240), (CumulativeFlow.ClampMinutes(-5), CumulativeFlow.ClampMinutes(99_999), CumulativeFlow.ClampMinutes(240)));
    }

    [Fact]
    public void LeaderboardRanksByNetNotionalWithTiesBySymbol()
    {
        var t = new DateTimeOffset(2026, 5, 12, 18, 42, 8, TimeSpan.Zero).UtcTicks;
        var totals = new Dictionary<string, FlowTally>
        {
            ["NVDA"] = Tally(300, 100, 0, 2.00, t),  // +$40,000
            ["AAPL"] = Tally(200, 0, 0, 2.00, t),    // +$40,000, ties NVDA, sorts first
            ["SPY"] = Tally(500, 0, 50, 1.00, t),    // +$50,000
            ["TSLA"] = Tally(0, 300, 0, 3.00, t),    // −$90,000
            ["AMD"] = Tally(10, 60, 0, 1.00, t),     // −$5,000
            ["FLAT"] = Tally(10, 10, 0, 1.00, t),    // 0: on neither side
        };
        var r = Leaderboard.Build(totals, 2, 240, new DateTimeOffset(2026, 5, 12, 18, 42, 10, 500, TimeSpan.Zero));
        Assert.Equal(["SPY", "AAPL"], r.Buyers.Select(b => b.Symbol));
        Assert.Equal(["TSLA", "AMD"], r.Sellers.Select(b => b.Symbol));
        var spy = r.Buyers[0];
        Assert.Equal((500L, 50_000L, 500L, 0L, 1.00, 2L), (spy.NetVolume, spy.NetNotional, spy.BuyVolume, spy.SellVolume, spy.AvgPremium, spy.TradeCount));
        Assert.Equal(-90_000, r.Sellers[0].NetNotional);
        Assert.Equal(new DateTimeOffset(2026, 5, 12, 18, 42, 10, TimeSpan.Zero), r.GeneratedUtc);
        Assert.Equal((1, 50, 1, 10_080), (Leaderboard.ClampN(0), Leaderboard.ClampN(500), Leaderboard.ClampWindow(0), Leaderboard.ClampWindow(20_000)));
        var json = JsonSerializer.Serialize(r, AnalyticsJsonContext.Default.LeaderboardResponse);
        Assert.Contains("\"lastTradeUtc\":\"2026-05-12T18:42:08Z\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void StrikeGridIsIndexAlignedWithZerosWhereAStrikeHadNoFlow()
    {
        var m = MinuteBucket.Of(new DateTimeOffset(2026, 6, 5, 18, 44, 0, TimeSpan.Zero));
        StrikeMinuteFlow Cell(long d, long g, int n, double spot, long tick)
        {
            var c = new StrikeMinuteFlow();
            c.Add(d, g, n, new LastPrint(tick, spot, 0.2, 1));
            return c;
        }

        var cells = new Dictionary<(long, int), StrikeMinuteFlow>
        {
            [(m, 590_000)] = Cell(88_000_000, 9_600_000, 5400, 590.42, 20),
            [(m, 588_000)] = Cell(-12_000_049, 1_800_000, 1200, 590.40, 10),
            [(m - 1, 592_500)] = Cell(-3_000_000, 900_000, 640, 590.10, 5),
        };
        var r = StrikeFlow.Build("SPY", new DateOnly(2026, 6, 5), new DateTimeOffset(2026, 6, 5, 18, 45, 12, TimeSpan.Zero), 590.42, cells);
        Assert.Equal([588, 590, 592.5], r.StrikesGrid);
        Assert.Equal(2, r.Bars.Count);
        Assert.Equal([0L, 0, -30_000], r.Bars[0].SignedDeltaDollars);
        Assert.Equal([-120_000L, 880_000, 0], r.Bars[1].SignedDeltaDollars);
        Assert.Equal([18_000L, 96_000, 0], r.Bars[1].SignedGammaDollars);
        Assert.Equal([1200L, 5400, 0], r.Bars[1].Contracts);
        Assert.Equal(590.42, r.Bars[1].Spot);
        Assert.Equal(("1m", "raw", 0), (r.BarSize, r.TierUsed, r.GapIntervals.Count));
        var json = JsonSerializer.Serialize(r, AnalyticsJsonContext.Default.StrikeFlowResponse);
        Assert.Contains("\"expiration\":\"2026-06-05\"", json, StringComparison.Ordinal);
        Assert.Contains("\"gap_intervals\":[]", json, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyStrikeGridHasNoBars()
    {
        var r = StrikeFlow.Build("SPY", new DateOnly(2026, 6, 5), DateTimeOffset.UnixEpoch, null, []);
        Assert.Empty(r.StrikesGrid);
        Assert.Empty(r.Bars);
        Assert.Null(r.UnderlyingPrice);
    }
}
