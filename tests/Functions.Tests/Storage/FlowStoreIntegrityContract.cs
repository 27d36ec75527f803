using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// What no feed can do to an <see cref="IFlowStore"/> (docs/reliability.md, "What no feed can do"): overflow a sum with
/// prints inside the event bounds, or count a print with an id twice. Each backend derives a class.
/// </summary>
public abstract class FlowStoreIntegrityContract
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 6, 5);

    protected abstract IFlowStore CreateStore();

    [Fact]
    public async Task SumsPastInt64OfPrintsAtEveryBoundComeBackExact()
    {
        // 10,000 prints at the largest price and size: 10^19 cents of premium, past Int64 (9.2 × 10^18), in one minute.
        const int Prints = 10_000;
        var store = CreateStore();
        var one = Commit("probe", Parse(Largest(0)));
        var perPrint = Assert.Single(one.Fold.ZeroDteStrikes).Value;
        for (var part = 0; part < 2; part++)
        {
            var events = Enumerable.Range(part * Prints / 2, Prints / 2).Select(Largest).ToArray();
            Assert.True((await store.CommitAsync(Commit($"big-{part}", Parse(events)), default)).Applied);
        }

        var premium = (Int128)EventLimits.MaxPrice * 10_000 * EventLimits.MaxSize * Prints;
        Assert.True(premium > long.MaxValue);
        var minute = Assert.Single(await store.ReadMinutesAsync("SPX", 0, long.MaxValue, default)).Value;
        Assert.Equal(((Int128)EventLimits.MaxSize * Prints, premium, (long)Prints), (minute.BuyVolume, minute.BuyPremiumCents, minute.TradeCount));

        var totals = Assert.Single(await store.ReadWindowTotalsAsync(0, MinuteBucket.Of(Now), default));
        Assert.Equal(("SPX", premium), (totals.Key, totals.Value.NetPremiumCents));

        var contract = Assert.Single(await store.ReadContractsAsync("SPX", Today, default)).Value;
        Assert.Equal(premium, contract.Flow.BuyPremiumCents);

        var cell = Assert.Single(await store.ReadZeroDteAsync("SPX", 0, long.MaxValue, default)).Value;
        Assert.True(perPrint.SignedDeltaCents > 9_000_000_000_000_000 / 1_000, "a print this large moves about 10^16 cents of delta");
        Assert.Equal((perPrint.SignedDeltaCents * Prints, perPrint.SignedGammaCents * Prints, (Int128)EventLimits.MaxSize * Prints), (cell.SignedDeltaCents, cell.SignedGammaCents, cell.Contracts));
    }

    [Fact]
    public async Task APrintWithAnIdCountsOnceWhicheverBatchesCarryIt()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", 10, "dup1"), Trade("18:40:01", 5, null))), default);

        var keys = new[] { Key("18:40:00", "dup1"), Key("18:40:00", "new1"), Key("18:41:00", "dup1") };
        Assert.Equal([keys[0]], await store.FindCountedPrintsAsync(keys, "b-2", default));
        Assert.Empty(await store.FindCountedPrintsAsync(keys, "b-1", default)); // a batch's own prints are not another's

        // A commit that counts it again (a writer that raced the check) throws and writes nothing.
        var again = await Assert.ThrowsAsync<PrintsAlreadyCountedException>(() => store.CommitAsync(Commit("b-2", Parse(Trade("18:40:00", 10, "dup1"), Trade("18:42:00", 7, "other"))), default));
        Assert.Equal(1, again.Count);
        Assert.Null(await store.FindReceiptAsync("b-2", default));

        // So does a fold that holds one print twice.
        await Assert.ThrowsAsync<PrintsAlreadyCountedException>(() => store.CommitAsync(Commit("b-3", Parse(Trade("18:43:00", 1, "twice"), Trade("18:43:00", 1, "twice"))), default));

        var minutes = await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default);
        Assert.Equal((15L, 2L), ((long)Assert.Single(minutes).Value.BuyVolume, Assert.Single(minutes).Value.TradeCount));

        // The same batch without the print commits; a later print in another minute with the id is another print.
        Assert.True((await store.CommitAsync(Commit("b-2", Parse(Trade("18:42:00", 7, "other"), Trade("18:44:00", 3, "dup1"))), default)).Applied);
        Assert.Equal([15L, 7L, 3L], (await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default)).Select(m => (long)m.Value.BuyVolume));
    }

    [Fact]
    public async Task ACancelTakesBackTheOnePrintAndItsIdStaysCounted()
    {
        var store = CreateStore();
        await store.CommitAsync(Commit("b-1", Parse(Trade("18:40:00", 10, "dup1"))), default);
        await store.CommitAsync(Commit("b-2", Parse(Cancel("18:40:00", "dup1"))), default);
        Assert.Empty(await store.ReadMinutesAsync("SPY", 0, long.MaxValue, default));

        // The print sent again after its cancel is still the cancelled print.
        Assert.Equal([Key("18:40:00", "dup1")], await store.FindCountedPrintsAsync([Key("18:40:00", "dup1")], "b-3", default));
    }

    private static PrintKey Key(string time, string id) => new("SPY", MinuteBucket.Of(At(time)), TradeId.From(id));

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse($"2026-06-05T{time}Z");

    private static string Trade(string time, int size, string? id) =>
        $$"""{"type":"trade","ts":"2026-06-05T{{time}}Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":1.5,"size":{{size}},"side":"buy","spot":590,"iv":0.2{{(id is null ? "" : $",\"id\":\"{id}\"")}}}""";

    private static string Cancel(string time, string id) =>
        $$"""{"type":"cancel","ts":"2026-06-05T{{time}}Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","id":"{{id}}"}""";

    /// <summary>A 0DTE call bought at every bound: the largest price, size and spot, deep in the money (delta about 1).</summary>
    private static string Largest(int n) =>
        $$"""{"type":"trade","ts":"2026-06-05T18:40:{{n % 60:D2}}.{{n / 60 % 1000:D3}}Z","underlying":"SPX","expiry":"2026-06-05","strike":1000,"right":"C","price":{{EventLimits.MaxPrice}},"size":{{EventLimits.MaxSize}},"side":"buy","spot":{{EventLimits.MaxSpot}},"iv":0.2,"id":"x{{n}}"}""";

    private static EventBatch Parse(params string[] events)
    {
        var batch = new EventParser(new SymbolTable()).Parse(Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]"));
        Assert.Empty(batch.Rejections);
        return batch;
    }

    private static FlowCommit Commit(string id, EventBatch batch)
    {
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, new MarketState());
        return new FlowCommit(id, fold, batch.Chains.ToArray(), new Dictionary<string, SpotMark>(), new IngestReceipt("hash-" + id, batch.Order.Count, 0, [], Now));
    }
}
