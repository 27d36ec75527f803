using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// What a store must do with cancels (docs/methodology.md §13): after a cancel every read answers what a store that
/// never saw the print answers, latest-of values and the newest spot included; a cancel that names no print held
/// changes nothing and is counted. Each backend that applies cancels derives a class.
/// </summary>
public abstract class FlowStoreCancelContract
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 6, 5);

    protected abstract IFlowStore CreateStore();

    public static TheoryData<string> Cancelled => new() { "a", "b", "c", "d", "e" };

    /// <summary>Prints a (0DTE), b (0DTE, same strike, later in a's minute), c (a's minute, another contract), d (next minute), e (a's contract, a later minute, the symbol's newest spot).</summary>
    [Theory]
    [MemberData(nameof(Cancelled))]
    public async Task ACancelLeavesWhatAStoreThatNeverSawThePrintHolds(string cancelled)
    {
        string[] prints =
        [
            Trade("a", "18:40:05", 590, "2026-06-05", 10, "buy", 589.10),
            Trade("b", "18:40:30", 590, "2026-06-05", 4, "sell", 589.30),
            Trade("c", "18:40:20", 595, "2026-06-19", 7, "buy", 589.20),
            Trade("d", "18:41:10", 600, "2026-06-19", 3, "sell", 589.40),
            Trade("e", "18:42:50", 590, "2026-06-05", 2, "buy", 589.60),
        ];
        var store = CreateStore();
        var without = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse([.. prints, Spot("18:40:00", 589.00)])), default);
        await without.CommitAsync(Commit("b-1", Parse([.. prints.Where(p => !p.Contains($"\"id\":\"{cancelled}\"", StringComparison.Ordinal)), Spot("18:40:00", 589.00)])), default);

        var result = await store.CommitAsync(Commit("b-2", Parse(CancelOf(prints.Single(p => p.Contains($"\"id\":\"{cancelled}\"", StringComparison.Ordinal))))), default);

        Assert.Equal(0, result.UnmatchedCancels);
        await AssertSameReadsAsync(without, store);
    }

    [Fact]
    public async Task ACancelInThePrintsOwnBatchTakesItBack()
    {
        var store = CreateStore();
        var without = CreateStore();
        var a = Trade("a", "18:40:05", 590, "2026-06-05", 10, "buy", 589.10);
        var b = Trade("b", "18:40:30", 590, "2026-06-05", 4, "sell", 589.30);
        await store.CommitAsync(Commit("b-1", Parse(a, b, CancelOf(b))), default);
        await without.CommitAsync(Commit("b-1", Parse(a)), default);
        await AssertSameReadsAsync(without, store);
    }

    [Fact]
    public async Task ACancelOfNoPrintHeldChangesNothingAndIsCounted()
    {
        var store = CreateStore();
        var without = CreateStore();
        var a = Trade("a", "18:40:05", 590, "2026-06-05", 10, "buy", 589.10);
        await store.CommitAsync(Commit("b-1", Parse(a)), default);
        await without.CommitAsync(Commit("b-1", Parse(a)), default);

        var wrongContract = CancelOf(a).Replace("\"strike\":590", "\"strike\":595", StringComparison.Ordinal);
        var result = await store.CommitAsync(Commit("b-2", Parse(CancelOf(Trade("zz", "18:40:05", 590, "2026-06-05", 1, "buy", 589)), wrongContract)), default);
        Assert.Equal(2, result.UnmatchedCancels);
        await AssertSameReadsAsync(without, store);

        Assert.Equal(0, (await store.CommitAsync(Commit("b-3", Parse(CancelOf(a))), default)).UnmatchedCancels);
        Assert.Equal(1, (await store.CommitAsync(Commit("b-4", Parse(CancelOf(a))), default)).UnmatchedCancels);
        Assert.Empty(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default));
        Assert.Empty(await store.ReadContractsAsync("SPY", Today, default));
        Assert.Empty(await store.ReadZeroDteAsync("SPY", 0, long.MaxValue, default));
        Assert.Null(await store.ReadSpotAsync("SPY", default));
    }

    private static async Task AssertSameReadsAsync(IFlowStore expected, IFlowStore actual)
    {
        Assert.Equal(await expected.ReadMinutesAsync("SPY", 0, long.MaxValue, default), await actual.ReadMinutesAsync("SPY", 0, long.MaxValue, default));
        Assert.Equal(await expected.ReadWindowTotalsAsync(0, long.MaxValue, default), await actual.ReadWindowTotalsAsync(0, long.MaxValue, default));
        Assert.Equal(await expected.ReadZeroDteAsync("SPY", 0, long.MaxValue, default), await actual.ReadZeroDteAsync("SPY", 0, long.MaxValue, default));
        var contracts = await actual.ReadContractsAsync("SPY", Today, default);
        Assert.Equal((await expected.ReadContractsAsync("SPY", Today, default)).OrderBy(c => c.Key), contracts.OrderBy(c => c.Key));
        Assert.Equal(await expected.ReadSpotAsync("SPY", default), await actual.ReadSpotAsync("SPY", default));
    }

    private static string Trade(string id, string time, double strike, string expiry, int size, string side, double spot) =>
        $$"""{"type":"trade","ts":"2026-06-05T{{time}}Z","underlying":"SPY","expiry":"{{expiry}}","strike":{{strike}},"right":"C","price":1.5,"size":{{size}},"side":"{{side}}","spot":{{spot}},"iv":0.2,"id":"{{id}}"}""";

    private static string Spot(string time, double price) => $$"""{"type":"spot","ts":"2026-06-05T{{time}}Z","underlying":"SPY","price":{{price}}}""";

    private static string CancelOf(string trade)
    {
        var t = System.Text.Json.JsonDocument.Parse(trade).RootElement;
        return $$"""{"type":"cancel","ts":"{{t.GetProperty("ts").GetString()}}","underlying":"SPY","expiry":"{{t.GetProperty("expiry").GetString()}}","strike":{{t.GetProperty("strike").GetRawText()}},"right":"C","id":"{{t.GetProperty("id").GetString()}}"}""";
    }

    private static EventBatch Parse(params string[] events) =>
        new EventParser(new SymbolTable()).Parse(System.Text.Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]"));

    private static FlowCommit Commit(string id, EventBatch batch)
    {
        var market = new MarketState();
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, market);
        var spots = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
        if (market.TryGetSpot("SPY", out var mark))
        {
            spots["SPY"] = mark;
        }

        return new FlowCommit(id, fold, batch.Chains.ToArray(), spots, new IngestReceipt("hash-" + id, batch.Order.Count, 0, [], Now));
    }
}
