using System.Net;
using System.Text;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Functions.Tests.History;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// History on Azure Table and Blob Storage (docs/storage.md "History", docs/api.md "Retention"): the law that defines
/// <c>at</c> holds on Azurite as in memory, a past day is kept exactly as long as the retention says, and an event
/// before the retention is refused.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureHistoryTests(AzuriteFixture azurite)
{
    /// <summary>Monday 2026-06-08, 11:00 New York.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 6, 8, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnAnswerAtAnInstantIsTheAnswerOfAnInstanceThatHadOnlyTheEventsStampedByThenOnAzurite()
    {
        await using var full = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, AzuriteFixture.UniqueName("law"), functionApp: false), now: HistoryLawTests.Evening);
        Assert.IsAssignableFrom<IFlowHistory>(full.Services.GetRequiredService<IFlowStore>());
        // A lighter day than the memory store's (a fifth of the print rate: Azurite writes about a thousand events a second
        // here), in larger batches.
        await HistoryLawTests.CheckAsync(full, intensity: 0.2, batchSize: 10_000);
    }

    [Fact]
    public async Task APastDayIsKeptAsLongAsTheRetentionSaysThenPruned()
    {
        // Two trading dates: on Monday, Friday and Monday; on Tuesday, Monday and Tuesday.
        var prefix = AzuriteFixture.UniqueName("keep");
        var settings = FlowApiFactory.AzureSettings(azurite.Account, prefix, functionApp: false);
        settings["Storage:RetentionTradingDays"] = "2";
        await using var app = new FlowApiFactory(settings, now: Monday);
        var receipt = await app.IngestAsync(Encoding.UTF8.GetBytes($"[{Chain("2026-06-05T18:00:00Z")},{Spot("2026-06-05T18:10:00Z")},{Print("2026-06-05T18:30:00Z", "f-1")}]"));
        Assert.Equal(0, receipt.GetProperty("rejected").GetInt32());

        using var alpha = app.ClientWithKey(Keys.Alpha);
        using var friday = await alpha.GetAsync("/v1/flow/options/SPY/cumulative?minutes=60&at=2026-06-05T14:45:00-04:00");
        Assert.Equal(HttpStatusCode.OK, friday.StatusCode);
        Assert.Contains("\"count\":1", await friday.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var storage = azurite.Account.Storage(prefix);
        var store = app.Services.GetRequiredService<IFlowStore>();

        // The day archive of Friday, the last settled date on Monday morning, goes to the account's archive container.
        var archived = await app.Services.GetRequiredService<Archive.ArchiveJob>().RunDueAsync(default);
        Assert.Equal((new DateOnly(2026, 6, 5), 1), (archived?.TradingDate, archived?.Symbols));
        var blobs = new List<string>();
        await foreach (var blob in storage.Container("archive").ListAsync(string.Empty, default))
        {
            blobs.Add(blob.Name);
        }

        Assert.Equal(["_archived/date=2026-06-05.json", "contracts/date=2026-06-05/symbol=SPY/part-0.parquet", "minutes/date=2026-06-05/symbol=SPY/part-0.parquet"], blobs);

        // Through Monday the day is whole; from Tuesday's midnight in New York its day rows go, and its chain events a
        // trading date later (a date's chains are the next one's open baseline). An instance prunes at most once an hour.
        await store.PruneAsync(new DateTimeOffset(2026, 6, 9, 3, 0, 0, TimeSpan.Zero), default);
        Assert.Equal(["c", "i", "k", "p"], await DayRowFamiliesAsync(storage.Table("flow"), "20260605"));
        await store.PruneAsync(new DateTimeOffset(2026, 6, 9, 4, 1, 0, TimeSpan.Zero), default);
        Assert.Equal(["k"], await DayRowFamiliesAsync(storage.Table("flow"), "20260605"));
        await store.PruneAsync(new DateTimeOffset(2026, 6, 10, 4, 1, 0, TimeSpan.Zero), default);
        Assert.Empty(await DayRowFamiliesAsync(storage.Table("flow"), "20260605"));

        // A date two trading dates back is refused on Monday.
        var old = await app.IngestAsync(Encoding.UTF8.GetBytes($"[{Print("2026-06-04T18:30:00Z", "t-1")}]"));
        Assert.Equal(1, old.GetProperty("rejected").GetInt32());
    }

    /// <summary>An index's chain event of 20,000 contracts goes into three rows and comes back whole, with the batch's other events in order.</summary>
    [Fact]
    public void AChainEventLargerThanARowIsSplitOverPartsAndJoinedBack()
    {
        var at = new DateTimeOffset(2026, 6, 5, 13, 25, 0, TimeSpan.Zero);
        ChainEvent Event(int contracts, double spot) => new(at, "SPX", spot, [.. Enumerable.Range(0, contracts).Select(i =>
            new ChainContract(new OptionKey(new DateOnly(2026, 6, 19), 1_000_000 + (i * 5_000), i % 2 == 0 ? OptionRight.Call : OptionRight.Put), i, 0.2, 1, 1.1))]);
        var events = new[] { Event(10, 5_900), Event(20_000, 5_901), Event(3, 5_902) };

        var parts = HistoryRows.EncodeChainEventParts(events);
        Assert.Equal(3, parts.Count);
        var joined = HistoryRows.JoinChainEvents("SPX", parts);
        Assert.Equal(events.Select(e => (e.Timestamp, e.Spot, e.Contracts.Count)), joined.Select(e => (e.Timestamp, e.Spot, e.Contracts.Count)));
        Assert.Equal(events[1].Contracts, joined[1].Contracts);
    }

    /// <summary>The families (first letter) of the rows of one symbol's trading date: contract, print-id, chain-event and ledger rows.</summary>
    private static async Task<string[]> DayRowFamiliesAsync(StoreTable table, string date)
    {
        var families = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAllAsync($"PartitionKey ne ''", ["RowKey"], default))
        {
            var parts = entity.RowKey.Split('|');
            if (parts.Length >= 3 && parts[1] == "SPY" && parts[0] is "c" or "i" or "k" or "p" && parts[2].StartsWith(date, StringComparison.Ordinal))
            {
                families.Add(parts[0]);
            }
        }

        return [.. families];
    }

    private static string Chain(string ts) =>
        $$"""{"type":"chain","ts":"{{ts}}","underlying":"SPY","spot":590,"contracts":[{"expiry":"2026-06-19","strike":590,"right":"C","oi":1000,"iv":0.2,"bid":5,"ask":5.2}]}""";

    private static string Spot(string ts) => $$"""{"type":"spot","ts":"{{ts}}","underlying":"SPY","price":590.5}""";

    private static string Print(string ts, string id) =>
        $$"""{"type":"trade","ts":"{{ts}}","id":"{{id}}","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":5.1,"size":10,"side":"buy"}""";
}
