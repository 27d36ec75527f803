using System.Net;
using System.Text;
using FlowFunctions.Functions.Tests.History;
using FlowFunctions.Storage;
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
        // A lighter day than the memory store's (Azurite writes about a thousand events a second here), in larger batches.
        await HistoryLawTests.CheckAsync(full, symbols: 4, intensity: 0.2, batchSize: 10_000);
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

        // Through Monday the day is whole; from Tuesday's midnight in New York its day rows go, and its chain events a
        // trading date later (Friday's chain is Monday's open baseline). An instance prunes at most once an hour.
        await store.PruneAsync(new DateTimeOffset(2026, 6, 9, 3, 0, 0, TimeSpan.Zero), default);
        Assert.Equal(["c", "i", "p", "q"], await DayRowFamiliesAsync(storage.Table("flow"), "20260605"));
        await store.PruneAsync(new DateTimeOffset(2026, 6, 9, 4, 1, 0, TimeSpan.Zero), default);
        Assert.Empty(await DayRowFamiliesAsync(storage.Table("flow"), "20260605"));
        Assert.NotEmpty(await ChainEventBlobsAsync(storage, "2026-06-05/SPY/events/"));
        await store.PruneAsync(new DateTimeOffset(2026, 6, 10, 4, 1, 0, TimeSpan.Zero), default);
        Assert.Empty(await ChainEventBlobsAsync(storage, "2026-06-05/SPY/events/"));

        // A date two trading dates back is refused on Monday.
        var old = await app.IngestAsync(Encoding.UTF8.GetBytes($"[{Print("2026-06-04T18:30:00Z", "t-1")}]"));
        Assert.Equal(1, old.GetProperty("rejected").GetInt32());
    }

    /// <summary>The families (first letter) of the rows of one symbol's trading date: contract, print-id, ledger and quote rows.</summary>
    private static async Task<string[]> DayRowFamiliesAsync(global::FlowFunctions.Storage.Azure.StoreTable table, string date)
    {
        var families = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAllAsync($"PartitionKey ne ''", ["RowKey"], default))
        {
            var parts = entity.RowKey.Split('|');
            if (parts.Length >= 3 && parts[1] == "SPY" && parts[0] is "c" or "i" or "p" or "q" && parts[2].StartsWith(date, StringComparison.Ordinal))
            {
                families.Add(parts[0]);
            }
        }

        return [.. families];
    }

    private static async Task<List<string>> ChainEventBlobsAsync(global::FlowFunctions.Storage.Azure.AzureStorage storage, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in storage.Container("chains").ListAsync(prefix, default))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static string Chain(string ts) =>
        $$"""{"type":"chain","ts":"{{ts}}","underlying":"SPY","spot":590,"contracts":[{"expiry":"2026-06-19","strike":590,"right":"C","oi":1000,"iv":0.2,"bid":5,"ask":5.2}]}""";

    private static string Spot(string ts) => $$"""{"type":"spot","ts":"{{ts}}","underlying":"SPY","price":590.5}""";

    private static string Print(string ts, string id) =>
        $$"""{"type":"trade","ts":"{{ts}}","id":"{{id}}","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":5.1,"size":10,"side":"buy"}""";
}
