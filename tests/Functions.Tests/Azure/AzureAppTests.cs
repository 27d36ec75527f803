using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The whole app with <c>Storage:Mode=azure</c> on Azurite: same answers as the memory store, kept across a restart.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureAppTests(AzuriteFixture azurite)
{
    private static readonly string[] Reads =
    [
        "/v1/strategies/flow-anomaly/SPY",
        "/v1/flow/summary/SPY",
        "/v1/flow/summary/SPY?expiry=2026-06-19",
        "/v1/flow/options/SPY/cumulative?minutes=240",
        "/v1/flow/options/SPY/cumulative?minutes=10080",
        "/v1/flow/zero-dte/strike-flow/SPY?bar=1m&minutes=120",
        "/v1/flow/options/leaderboard?n=10&windowMinutes=240",
        "/v1/flow/options/leaderboard?n=50&windowMinutes=10080",
        "/v1/flow/options/leaderboard?n=5&windowMinutes=15",
    ];

    private static readonly DateTimeOffset AfterIngest = FlowApiFactory.DefaultNow.AddSeconds(31);

    [Fact]
    public async Task TheAppOnAzuriteAnswersWhatTheMemoryStoreAnswersAndKeepsItAcrossARestart()
    {
        Dictionary<string, string> expected;
        using (var memory = new FlowApiFactory())
        {
            await IngestTapesAsync(memory);
            expected = await ReadAllAsync(memory);
        }

        Assert.All(expected.Values, body => Assert.DoesNotContain("\"count\":0", body, StringComparison.Ordinal));
        var settings = Settings(AzuriteFixture.UniqueName("app"));
        using (var first = new FlowApiFactory(settings))
        {
            await IngestTapesAsync(first);
            AssertSame(expected, await ReadAllAsync(first));
            using var growth = first.ClientWithKey(Keys.Growth);
            Assert.Equal(HttpStatusCode.OK, (await growth.GetAsync("/v1/flow/summary/SPY")).StatusCode);
        }

        using var restarted = new FlowApiFactory(settings, AfterIngest);
        AssertSame(expected, await ReadAllAsync(restarted));

        // Quotas are counted in storage too: the restarted app still knows what the first one served today.
        using var client = restarted.ClientWithKey(Keys.Growth);
        var account = JsonDocument.Parse(await client.GetStringAsync("/v1/account")).RootElement;
        Assert.Equal(1, account.GetProperty("used_today").GetInt32());
    }

    [Fact]
    public async Task WithStorageUnreachableReadsAnswer502AndIngestFailsSoTheBatchIsDeliveredAgain()
    {
        var nowhere = "http://127.0.0.1:9/devstoreaccount1";
        var settings = Settings("down");
        settings["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint={nowhere};BlobEndpoint={nowhere}";
        using var app = new FlowApiFactory(settings);
        using var client = app.ClientWithKey(Keys.Alpha);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var read = await client.GetAsync("/v1/flow/options/SPY/cumulative?minutes=240");
        Assert.Equal(HttpStatusCode.BadGateway, read.StatusCode);
        Assert.Equal("upstream_unavailable", JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the 502 took {started.Elapsed}");

        using var admin = app.ClientWithKey(Keys.Admin);
        var ingest = await admin.PostAsync("/v1/ingest/events", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadGateway, ingest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task MicrosoftsJavaScriptSdksReadWhatTheAppWrote()
    {
        var prefix = AzuriteFixture.UniqueName("sdk");
        using var app = new FlowApiFactory(Settings(prefix));
        await IngestTapesAsync(app);
        var refused = await app.IngestAsync([new { type = "trade", ts = "2026-06-05T18:44:00Z", underlying = "SPY" }]);
        Assert.Equal(1, refused.GetProperty("rejected").GetInt32());

        using var alpha = app.ClientWithKey(Keys.Alpha);
        using var growth = app.ClientWithKey(Keys.Growth);
        Assert.Equal(HttpStatusCode.OK, (await growth.GetAsync("/v1/flow/summary/SPY")).StatusCode);
        var cumulative = JsonDocument.Parse(await alpha.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=10080")).RootElement;
        var board = JsonDocument.Parse(await alpha.GetStringAsync("/v1/flow/options/leaderboard?windowMinutes=240")).RootElement;

        var script = Path.Combine(AppContext.BaseDirectory, "SdkClients", "read-app-storage.cjs");
        var info = new System.Diagnostics.ProcessStartInfo("node", $"\"{script}\" {prefix} {azurite.Account.TablePort} {azurite.Account.BlobPort}") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["NODE_PATH"] = Path.Combine(AzuriteFixture.ToolsDirectory, "node_modules");
        using var node = System.Diagnostics.Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        Assert.True(node.ExitCode == 0, await error);
        var read = JsonDocument.Parse(await output).RootElement;

        Assert.Equal(cumulative.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()), read.GetProperty("spyTrades").GetInt32());
        Assert.Equal(cumulative.GetProperty("count").GetInt32(), read.GetProperty("spyMinuteCells").GetInt32());
        Assert.Equal("bigint", read.GetProperty("untilType").GetString()); // the SDK saw the Edm.Int64 annotation
        Assert.Equal(32, read.GetProperty("keyHashBytes").GetInt32());
        Assert.True(read.GetProperty("keyCreatedIsDate").GetBoolean());
        Assert.Equal(3, read.GetProperty("receipts").GetInt32());
        Assert.Equal(1, read.GetProperty("receiptErrors").GetInt32());
        Assert.Equal("bigint", read.GetProperty("quotaCountType").GetString());
        Assert.Equal(board.GetProperty("buyers")[0].GetProperty("symbol").GetString(), read.GetProperty("topBuyer").GetString());
        Assert.False(string.IsNullOrEmpty(read.GetProperty("deadLetterReason").GetString()));
        Assert.True(read.GetProperty("chainBytes").GetInt32() > 0);
    }

    /// <summary>The app on Azurite through a full connection string (account, key and endpoints), as against a real account.</summary>
    private Dictionary<string, string?> Settings(string prefix) => FlowApiFactory.AzureSettings(azurite.Account, prefix, functionApp: false);

    private static void AssertSame(Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        foreach (var (path, body) in expected)
        {
            Assert.True(body == actual[path], $"{path}\nmemory: {body}\nazure:  {actual[path]}");
        }
    }

    /// <summary>
    /// Ingests both tapes, then moves the clock past the leaderboard's 30-second freshness, so that no snapshot the
    /// start-up timer built before the tapes arrived is served (docs/api.md "Leaderboard caching" allows serving it for 30 s).
    /// </summary>
    private static async Task IngestTapesAsync(FlowApiFactory app)
    {
        await app.IngestAsync(HandTapes.Bullish());
        await app.IngestAsync(HandTapes.Hand);
        app.Clock.Set(AfterIngest);
    }

    private static async Task<Dictionary<string, string>> ReadAllAsync(FlowApiFactory app)
    {
        using var client = app.ClientWithKey(Keys.Alpha);
        var bodies = new Dictionary<string, string>();
        foreach (var path in Reads)
        {
            var response = await client.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            bodies[path] = await response.Content.ReadAsStringAsync();
        }

        return bodies;
    }
}
