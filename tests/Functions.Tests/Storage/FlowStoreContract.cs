using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// What every <see cref="IFlowStore"/> must do, whatever its backend: exactly-once commits, ascending reads, copies
/// out, newest spot, chains whose baseline is the day's first snapshot, and pruning. Each backend derives a class.
/// </summary>
public abstract class FlowStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);

    protected abstract IFlowStore CreateStore();

    [Fact]
    public async Task ACommitAppliesOncePerBatchId()
    {
        var store = CreateStore();
        var commit = Commit("b-1", Parse(Trade("18:40:00", "SPY", 10, "buy")));
        commit = commit with { Receipt = commit.Receipt with { Rejected = 1, Errors = [new IngestError(1, "price: must be > 0, \"quoted\" ünicode")] } };
        Assert.True((await store.CommitAsync(commit, default)).Applied);
        var again = await store.CommitAsync(commit with { Receipt = commit.Receipt with { Accepted = 99 } }, default);
        Assert.False(again.Applied);
        Assert.Equal(1, again.Receipt.Accepted);
        Assert.Equivalent(commit.Receipt, await store.FindReceiptAsync("b-1", default), strict: true);
        Assert.Null(await store.FindReceiptAsync("b-2", default));

        var minutes = await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default);
        Assert.Equal(10, Assert.Single(minutes).Value.BuyVolume);
    }

    [Fact]
    public async Task MinutesComeBackAscendingWithinTheRangeWhateverTheCommitOrder()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-2", Parse(Trade("18:42:00", "SPY", 2, "buy"))), default);
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", "SPY", 1, "buy"), Trade("18:44:00", "SPY", 4, "sell"))), default);
        await store.CommitAsync(Commit("b-3", Parse(Trade("18:41:00", "SPY", 3, "buy"), Trade("18:41:30", "QQQ", 9, "buy"))), default);

        var all = await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default);
        Assert.Equal([1L, 3L, 2L, 0L], all.Select(m => m.Value.BuyVolume));
        Assert.True(all.Select(m => m.Key).SequenceEqual(all.Select(m => m.Key).Order()));

        var first = MinuteBucket.Of(At("18:41:00"));
        var range = await store.ReadMinutesAsync("SPY", first, first + 1, default);
        Assert.Equal([first, first + 1], range.Select(m => m.Key));
        Assert.Empty(await store.ReadMinutesAsync("NOPE", 0, long.MaxValue, default));
    }

    [Fact]
    public async Task WindowTotalsSumEachSymbolsMinutesInTheRange()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", "SPY", 1, "buy"), Trade("18:41:00", "SPY", 2, "sell"), Trade("18:44:00", "SPY", 4, "buy"), Trade("18:41:00", "QQQ", 8, "buy"))), default);
        var totals = await store.ReadWindowTotalsAsync(MinuteBucket.Of(At("18:41:00")), MinuteBucket.Of(At("18:44:00")), default);
        Assert.Equal(["QQQ", "SPY"], totals.Select(t => t.Key));
        Assert.Equal((4L, 2L, 2L), (totals[1].Value.BuyVolume, totals[1].Value.SellVolume, totals[1].Value.TradeCount));
    }

    [Fact]
    public async Task ZeroDteCellsComeBackByMinuteThenStrike()
    {
        var store = CreateStore();
        var tape = Parse(
            Trade("18:40:00", "SPY", 1, "buy", strike: 592, expiry: "2026-06-05"),
            Trade("18:40:10", "SPY", 1, "buy", strike: 588, expiry: "2026-06-05"),
            Trade("18:39:00", "SPY", 1, "buy", strike: 590, expiry: "2026-06-05"),
            Trade("18:39:00", "SPY", 5, "buy", strike: 590, expiry: "2026-06-19"));
        await store.CommitAsync(Commit("b-1", tape), default);
        var cells = await store.ReadZeroDteAsync("SPY", 0, long.MaxValue, default);
        Assert.Equal([(590_000, 1L), (588_000, 1L), (592_000, 1L)], cells.Select(c => (c.Key.StrikeMilli, c.Value.Contracts)));
    }

    [Fact]
    public async Task TheChainBaselineIsTheFirstSnapshotAndReadsAreNotChangedByLaterCommits()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Chain("13:25:00", 590, oi: 1_000))), default);
        var morning = await store.ReadChainAsync("SPY", new DateOnly(2026, 6, 5), default);
        await store.CommitAsync(Commit("b-2", Parse(Chain("15:00:00", 591, oi: 7_777))), default);
        var afternoon = await store.ReadChainAsync("SPY", new DateOnly(2026, 6, 5), default);

        var key = new OptionKey(new DateOnly(2026, 6, 19), 590_000, OptionRight.Call);
        Assert.True(morning!.TryGetQuote(key, out var before));
        Assert.True(afternoon!.TryGetQuote(key, out var after));
        Assert.Equal((1_000L, 590.0), (before.BaselineOi, morning.Spot));
        Assert.Equal((1_000L, 591.0), (after.BaselineOi, afternoon.Spot));
        Assert.Null(await store.ReadChainAsync("SPY", new DateOnly(2026, 6, 4), default));
    }

    [Fact]
    public async Task TheNewestSpotWins()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(), spots: new() { ["SPY"] = new SpotMark(590, At("18:40:00")) }), default);
        await store.CommitAsync(Commit("b-2", Parse(), spots: new() { ["SPY"] = new SpotMark(589, At("18:39:00")) }), default);
        Assert.Equal(590, (await store.ReadSpotAsync("SPY", default))!.Value.Price);
        Assert.Null(await store.ReadSpotAsync("QQQ", default));
    }

    [Fact]
    public async Task ReadsAreCopies()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", "SPY", 1, "buy"))), default);
        var contracts = await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default);
        await store.CommitAsync(Commit("b-2", Parse(Trade("18:41:00", "SPY", 1, "buy"))), default);
        Assert.Equal(1, contracts.Values.Single().Flow.BuyVolume);
        Assert.Equal(2, (await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default)).Values.Single().Flow.BuyVolume);
    }

    [Fact]
    public async Task PruningDropsOnlyWhatNoWindowCanReach()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", "SPY", 1, "buy"))), default);
        await store.PruneAsync(Now.AddHours(12), default);
        Assert.NotNull(await store.FindReceiptAsync("b-1", default)); // redeliveries come within hours, not days
        Assert.NotEmpty(await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default));
        if (store is IFlowHistory history)
        {
            // A store with history keeps every trading date of its retention, and minutes a longest window beyond it.
            var day = new DateOnly(2026, 6, 6);
            while (NewYorkTime.FirstRetainedDate(day, history.RetentionTradingDays) <= new DateOnly(2026, 6, 5))
            {
                day = day.AddDays(1);
            }

            await store.PruneAsync(NewYorkTime.ToUtc(day.AddDays(-1), new TimeOnly(12, 0)), default);
            Assert.NotEmpty(await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default));
            Assert.Null(await store.FindReceiptAsync("b-1", default));
            await store.PruneAsync(NewYorkTime.ToUtc(day, new TimeOnly(12, 0)), default);
            Assert.Empty(await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default));
            Assert.Single(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default));
            await store.PruneAsync(NewYorkTime.ToUtc(day.AddDays(8), new TimeOnly(12, 0)), default);
            Assert.Empty(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default));
            return;
        }

        await store.PruneAsync(Now.AddDays(6), default);
        Assert.Single(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default)); // the 10,080-minute window still reaches it
        Assert.Null(await store.FindReceiptAsync("b-1", default));

        await store.PruneAsync(Now.AddDays(8), default);
        Assert.Empty(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default));
        Assert.Empty(await store.ReadContractsAsync("SPY", new DateOnly(2026, 6, 5), default));
    }

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse($"2026-06-05T{time}Z");

    private static string Trade(string time, string symbol, int size, string side, double strike = 590, string expiry = "2026-06-19") =>
        $$"""{"type":"trade","ts":"2026-06-05T{{time}}Z","underlying":"{{symbol}}","expiry":"{{expiry}}","strike":{{strike}},"right":"C","price":1.5,"size":{{size}},"side":"{{side}}","spot":590,"iv":0.2}""";

    private static string Chain(string time, double spot, long oi) =>
        $$"""{"type":"chain","ts":"2026-06-05T{{time}}Z","underlying":"SPY","spot":{{spot}},"contracts":[{"expiry":"2026-06-19","strike":590,"right":"C","oi":{{oi}},"iv":0.2,"bid":5,"ask":5.2}]}""";

    private static EventBatch Parse(params string[] events) =>
        new EventParser(new SymbolTable()).Parse(System.Text.Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]"));

    private static FlowCommit Commit(string id, EventBatch batch, Dictionary<string, SpotMark>? spots = null)
    {
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, new MarketState());
        return new FlowCommit(id, fold, batch.Chains.ToArray(), spots ?? [], new IngestReceipt("hash-" + id, batch.Order.Count, 0, [], Now));
    }
}
