using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Analytics.Tests;

/// <summary>The stream's pure parts (docs/api.md "Live flow stream", docs/methodology.md §14): ids, blocks, minute closes and alerts.</summary>
public sealed class StreamTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("20260605.0.0", 0, 0)]
    [InlineData("20260605.412.3", 412, 3)]
    [InlineData("20260605.412.3~17", 412, 3)]
    [InlineData("20260605.1.0~0", 1, 0)]
    public void AnIdReadsAsTheDurablePositionItFollows(string id, long page, int index)
    {
        Assert.True(StreamPosition.TryParse(id, out var position));
        Assert.Equal(new StreamPosition(new DateOnly(2026, 6, 5), page, index), position);
        Assert.Equal(id.Split('~')[0], position.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("20260605")]
    [InlineData("20260605.1")]
    [InlineData("20260605.1.")]
    [InlineData("20260605.-1.0")]
    [InlineData("20260605.0.3")]
    [InlineData("20260631.1.0")]
    [InlineData("2026-06-05.1.0")]
    [InlineData("20260605.1.0~")]
    [InlineData("20260605.1.0~a")]
    [InlineData("20260605.1.0 ")]
    [InlineData("20260605.99999999999999999999.0")]
    public void AMalformedIdIsRefused(string id) => Assert.False(StreamPosition.TryParse(id, out _));

    [Fact]
    public void PositionsOrderByDayThenPageThenIndex()
    {
        var day = new DateOnly(2026, 6, 5);
        Assert.True(new StreamPosition(day, 2, 0) > new StreamPosition(day, 1, 99));
        Assert.True(new StreamPosition(day.AddDays(1), 0, 0) > new StreamPosition(day, 9, 9));
        Assert.True(StreamPosition.StartOf(day) < new StreamPosition(day, 1, 0));
    }

    [Fact]
    public void ABlockIsAtLeastTheSizeOrThePremiumWithItsSideAndSignedDeltaDollars()
    {
        var rule = new BlockRule(MinContracts: 500, MinPremiumCents: 100_000_00);
        var fold = new FlowFold(PricingParameters.Default);
        var ts = SimulatedDays.Open.AddMinutes(30);
        var expiry = DateOnly.FromDateTime(ts.UtcDateTime).AddDays(7);
        Assert.True(OptionKey.TryCreate(expiry, 500, OptionRight.Put, out var put));
        fold.Add(Print(ts, put, price: 2.00, size: 500, bid: 1.90, ask: 2.00), 500, 0.2); // size: a block, bought at the ask
        fold.Add(Print(ts, put, price: 2.00, size: 499, bid: 1.90, ask: 2.10), 500, 0.2); // neither: $99,800 at the mid
        fold.Add(Print(ts, put, price: 2.00, size: 499, bid: 2.00, ask: 2.10), 500, double.NaN); // neither, sold at the bid
        fold.Add(Print(ts, put, price: 20.00, size: 50, bid: 20.00, ask: 20.10), 500, 0.2); // premium: $100,000, sold

        var blocks = rule.Blocks(fold).Select(b => b.Print).ToList();
        Assert.Equal([500, 50], blocks.Select(b => b.Size));
        Assert.Equal(["buy", "sell"], blocks.Select(b => b.Side));

        // Signed delta-dollars = s × Δ × size × 100 × S (docs/methodology.md §4): a bought put is short delta.
        var years = Pricing.TimeToExpiry.Years(ts, expiry);
        var (delta, _) = BlackScholes.DeltaGamma(OptionRight.Put, 500, 500, years, 0.2, PricingParameters.Default);
        Assert.Equal((long)Math.Round(500 * 100.0 * delta * 500, MidpointRounding.AwayFromZero), blocks[0].DeltaDollars);
        Assert.True(blocks[0].DeltaDollars < 0 && blocks[1].DeltaDollars > 0);

        using var json = JsonDocument.Parse(StreamEvents.Block(blocks[0]));
        var root = json.RootElement;
        Assert.Equal("SIM", root.GetProperty("symbol").GetString());
        Assert.Equal(put.ToOcc("SIM"), root.GetProperty("contract").GetString());
        Assert.Equal("put", root.GetProperty("right").GetString());
        Assert.Equal(100_000, root.GetProperty("premium").GetInt64());
        Assert.Equal("t-500", root.GetProperty("tradeId").GetString());
    }

    [Fact]
    public void TheDefaultBlockRuleKeepsFewPrintsButMuchOfThePremium()
    {
        var day = SimulatedDays.Day().WithoutCancelled();
        var fold = new FlowFold(PricingParameters.Default);
        foreach (var t in day.Trades)
        {
            fold.Add(t, t.Spot, t.Iv);
        }

        var blocks = BlockRule.Default.Blocks(fold).ToList();
        var share = (double)blocks.Count / day.Trades.Count;
        var premium = blocks.Sum(b => b.Print.PremiumCents) / (double)day.Trades.Sum(t => t.PremiumCents);
        output.WriteLine($"{blocks.Count:N0} blocks of {day.Trades.Count:N0} prints ({share:P2}), {premium:P1} of the premium; by size {blocks.Count(b => b.Print.Size >= BlockRule.DefaultMinContracts):N0}");
        Assert.InRange(share, 0.002, 0.03);
        Assert.InRange(premium, 0.3, 0.8);
    }

    [Fact]
    public void AMinuteClosesWithTheDaysRunningNetVolumeAndAlertsOnlyOnChange()
    {
        var day = new DateOnly(2026, 6, 5);
        var state = StreamDayState.Initial(day);
        var minute = MinuteBucket.Of(SimulatedDays.Open);
        var quiet = new SymbolRead(40, "long_gamma", "neutral");
        var (first, afterFirst) = MinuteClose.Close(state, minute, [Tally("SPY", buy: 10, sell: 4), Tally("QQQ", buy: 1, sell: 3)], new Dictionary<string, SymbolRead> { ["SPY"] = quiet });
        Assert.Equal(["QQQ", "SPY"], first.Select(e => e.Symbol)); // finals in symbol order; a first read alerts nothing
        Assert.All(first, e => Assert.Equal(StreamEventKind.Minute, e.Kind));
        Assert.Equal(6, afterFirst.Symbols["SPY"].Cumulative);

        var loud = new SymbolRead(71, "short_gamma", "neutral");
        var (second, afterSecond) = MinuteClose.Close(afterFirst, minute + 3, [Tally("SPY", buy: 0, sell: 2)], new Dictionary<string, SymbolRead> { ["SPY"] = loud });
        Assert.Equal(minute + 3, afterSecond.LastClosedMinute);
        Assert.Equal([StreamEventKind.Minute, StreamEventKind.Alert, StreamEventKind.Alert], second.Select(e => e.Kind));
        using (var final = JsonDocument.Parse(second[0].Data))
        {
            Assert.Equal(4, final.RootElement.GetProperty("cumulative").GetInt64());
            Assert.Equal(-2, final.RootElement.GetProperty("netVolume").GetInt64());
            Assert.True(final.RootElement.GetProperty("final").GetBoolean());
            Assert.Equal("2026-06-05T13:33:00Z", final.RootElement.GetProperty("ts").GetString());
        }

        using (var anomaly = JsonDocument.Parse(second[1].Data))
        {
            Assert.Equal("anomaly", anomaly.RootElement.GetProperty("kind").GetString());
            Assert.Equal(40, anomaly.RootElement.GetProperty("before").GetInt32());
            Assert.Equal(71, anomaly.RootElement.GetProperty("after").GetInt32());
            Assert.Equal("2026-06-05T13:34:00Z", anomaly.RootElement.GetProperty("ts").GetString());
        }

        Assert.Contains("\"before\":\"long_gamma\",\"after\":\"short_gamma\"", second[2].Data, StringComparison.Ordinal);
        Assert.Equal(afterSecond.Encode(), StreamDayState.Decode(afterSecond.Encode()).Encode());
        Assert.Throws<ArgumentOutOfRangeException>(() => MinuteClose.Close(afterSecond, minute + 3, [], new Dictionary<string, SymbolRead>()));
    }

    [Theory]
    [InlineData(69, 70, true)]
    [InlineData(70, 69, true)]
    [InlineData(70, 95, false)]
    [InlineData(10, 69, false)]
    public void TheAnomalyAlertIsACrossingOfSeventyEitherWay(int before, int after, bool alerts)
    {
        var list = AlertRule.Compare("SPY", SimulatedDays.Open, new SymbolRead(before, "r", "d"), new SymbolRead(after, "r", "d")).ToList();
        Assert.Equal(alerts ? 1 : 0, list.Count);
        Assert.Empty(AlertRule.Compare("SPY", SimulatedDays.Open, null, new SymbolRead(after, "x", "y")));
    }

    private static KeyValuePair<string, FlowTally> Tally(string symbol, int buy, int sell)
    {
        var tally = default(FlowTally);
        for (var i = 0; i < buy; i++)
        {
            tally.Add(AggressorSide.Buy, 1, 100, new LastPrint(SimulatedDays.Open.UtcTicks, 500, 0.2, 1));
        }

        for (var i = 0; i < sell; i++)
        {
            tally.Add(AggressorSide.Sell, 1, 100, new LastPrint(SimulatedDays.Open.UtcTicks, 500, 0.2, 1));
        }

        return new(symbol, tally);
    }

    private static TradeEvent Print(DateTimeOffset ts, OptionKey contract, double price, int size, double bid, double ask) =>
        new(ts, "SIM", contract, price, size, bid, ask, Id: TradeId.From($"t-{size * (price > 10 ? 10 : 1)}"));
}
