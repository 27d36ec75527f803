using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// Print ids across instances (docs/storage.md, "Print ids"): a second instance that holds none of the first one's rows
/// still never counts a print the first one counted.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class PrintIdAzureTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);

    [Fact]
    public async Task ACommitRacedForAPrintByAnotherInstanceWritesNothingAndItsRetryDropsThePrint()
    {
        var names = AzuriteFixture.UniqueName("f");
        using var first = AzureTestClients.FlowStore(azurite, names);
        using var second = AzureTestClients.FlowStore(azurite, names);
        await first.CommitAsync(Commit("a-1", Trade("18:40:00", 10, "dup1")), default);

        // The second instance has not read the row, so its check finds nothing; its commit then meets the row.
        var key = new PrintKey("SPY", MinuteBucket.Of(At("18:40:00")), TradeId.From("dup1"));
        Assert.Empty(await second.FindCountedPrintsAsync([key], "b-1", default));
        var raced = await Assert.ThrowsAsync<PrintsAlreadyCountedException>(() => second.CommitAsync(Commit("b-1", Trade("18:40:00", 10, "dup1"), Trade("18:40:30", 4, "b")), default));
        Assert.Equal(1, raced.Count);
        Assert.Equal([key], await second.FindCountedPrintsAsync([key], "b-1", default));
        Assert.Null(await second.FindReceiptAsync("b-1", default));
        Assert.Equal(10L, (long)Assert.Single(await second.ReadMinutesAsync("SPY", 0, long.MaxValue, default)).Value.BuyVolume);
    }

    [Fact]
    public async Task TheIngestPipelineOnASecondInstanceCountsAPrintSentAgainOnce()
    {
        var names = AzuriteFixture.UniqueName("f");
        using var first = AzureTestClients.FlowStore(azurite, names);
        using var second = AzureTestClients.FlowStore(azurite, names);
        var clock = new ManualTimeProvider(Now);
        using var a = new IngestPipeline(first, new MemoryDeadLetterStore(), clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
        using var b = new IngestPipeline(second, new MemoryDeadLetterStore(), clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);

        await a.IngestAsync(Encoding.UTF8.GetBytes($"[{Trade("18:40:00", 10, "dup1")}]"), "eh:0:1", "eh-0", default);
        var outcome = await b.IngestAsync(Encoding.UTF8.GetBytes($"[{Trade("18:40:00", 10, "dup1")},{Trade("18:40:30", 4, "b")}]"), "eh:1:7", "eh-1", default);
        Assert.Equal(2, outcome.Receipt.Accepted);

        var minute = Assert.Single(await first.ReadMinutesAsync("SPY", 0, long.MaxValue, default)).Value;
        Assert.Equal((14L, 2L), ((long)minute.BuyVolume, minute.TradeCount));
    }

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse($"2026-06-05T{time}Z");

    private static string Trade(string time, int size, string id) =>
        $$"""{"type":"trade","ts":"2026-06-05T{{time}}Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":1.5,"size":{{size}},"side":"buy","spot":590,"iv":0.2,"id":"{{id}}"}""";

    private static FlowCommit Commit(string id, params string[] events)
    {
        var batch = new EventParser(new SymbolTable()).Parse(Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]"));
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, new MarketState());
        return new FlowCommit(id, fold, [], new Dictionary<string, SpotMark>(), new IngestReceipt("hash-" + id, batch.Order.Count, 0, [], Now));
    }
}
