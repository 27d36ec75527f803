using System.Net;
using System.Text.Json;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Tests.Streaming;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The live stream of the published handler behind the host's HTTP side as <see cref="HostProxy"/> plays it (README
/// "Function app", docs/api.md "Live flow stream"): two handler processes on one Azurite account, one answering the
/// Event Hubs invocations and one serving streams, as two instances of a function app; what happens when a stream
/// outlives <c>functionTimeout</c> (the host restarts the handler) and why it does not when the app's lifetime holds.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class HostPlayStreamTests(AzuriteFixture azurite, PublishedAppFixture published) : IClassFixture<PublishedAppFixture>
{
    private const string Secret = "host-play-test-key-hash-secret";
    private const string AlphaKey = "host-play-test-alpha-key-0001";

    [Fact]
    public async Task AStreamThroughTheProxyOnOneHandlerCarriesWhatAnotherHandlersTriggerWroteAndResumesOnIt()
    {
        var settings = await SeededSettingsAsync("play2", new() { ["Stream__BlockMinContracts"] = "1", ["Stream__PollMilliseconds"] = "50" });
        await using var ingesting = await HandlerProcess.StartAsync(published.Folder, settings);
        await using var streaming = await HandlerProcess.StartAsync(published.Folder, settings);
        var now = DateTimeOffset.UtcNow;
        var tape = FunctionAppStreamTests.Tape(now, 40);
        await IngestAsync(ingesting, tape[..20], "0", 1_000);
        await IngestAsync(ingesting, tape[20..], "1", 4_000);

        await using var proxy = await HostProxy.StartAsync(streaming.Http.BaseAddress!, new HostProxyOptions { RestartHandler = streaming.RestartAsync });
        proxy.Http.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
        var start = StreamPosition.StartOf(NewYorkTime.TradingDate(now)).ToString();
        var blocks = await FunctionAppStreamTests.ReadAsync(proxy.Http, start, SeenBlocks(40));
        Assert.Equal(Enumerable.Range(10, 40), Sizes(blocks).Order());

        // An id the streaming handler sent resumes on the ingesting one, through its own proxy: the rest, in the same order.
        await using var other = await HostProxy.StartAsync(ingesting.Http.BaseAddress!, new HostProxyOptions { RestartHandler = ingesting.RestartAsync });
        other.Http.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
        var resumed = await FunctionAppStreamTests.ReadAsync(other.Http, blocks[24].Id!, e => e.Id == blocks[^1].Id);
        Assert.Equal(blocks.Skip(25).Select(b => b.Id), resumed.Where(e => e.Event == "block").Select(b => b.Id));
        Assert.Empty(proxy.Log);
        Assert.Equal(0, streaming.Restarts + ingesting.Restarts);
    }

    /// <summary>
    /// A stream configured to outlive <c>functionTimeout</c> (here 10 s in the play; 10 minutes in host.json) makes the
    /// host kill and restart the handler with every invocation on it. The client's stream is cut; it resumes with
    /// Last-Event-ID on the new process and receives every block once, in order. The app's own lifetime (540 s under the
    /// host) is what keeps this from happening: see the next test.
    /// </summary>
    [Fact]
    public async Task AStreamOutlivingFunctionTimeoutRestartsTheHandlerAndTheClientResumesWithoutAGap()
    {
        var settings = await SeededSettingsAsync("playcut", new()
        {
            ["Stream__BlockMinContracts"] = "1",
            ["Stream__PollMilliseconds"] = "50",
            ["Stream__MaxLifetimeSeconds"] = "3600",
        });
        await using var ingesting = await HandlerProcess.StartAsync(published.Folder, settings);
        await using var streaming = await HandlerProcess.StartAsync(published.Folder, settings);
        var firstPid = streaming.ProcessId;
        var now = DateTimeOffset.UtcNow;
        var tape = FunctionAppStreamTests.Tape(now, 40);
        await IngestAsync(ingesting, tape[..20], "0", 1_000);

        var options = new HostProxyOptions { FunctionTimeout = TimeSpan.FromSeconds(10), RestartHandler = streaming.RestartAsync };
        await using var proxy = await HostProxy.StartAsync(streaming.Http.BaseAddress!, options);
        proxy.Http.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
        var start = StreamPosition.StartOf(NewYorkTime.TradingDate(now)).ToString();

        // Read until the host cuts the stream, however many blocks that was.
        var before = await ReadUntilCutAsync(proxy.Http, start);
        await WaitForAsync(() => proxy.Log.Any(l => l.StartsWith("Restart of language worker", StringComparison.Ordinal)), "the handler restart");
        Assert.Equal(1, streaming.Restarts);
        Assert.NotEqual(firstPid, streaming.ProcessId);
        Assert.Contains(proxy.Log, l => l.StartsWith("Timeout value of 00:00:10 exceeded", StringComparison.Ordinal));

        // The rest of the tape arrives while the client is away; it resumes from the last durable id it saw.
        await IngestAsync(ingesting, tape[20..], "1", 4_000);
        var from = before.LastOrDefault(e => e.IsDurable)?.Id ?? start;
        await using var after = await HostProxy.StartAsync(streaming.Http.BaseAddress!);
        after.Http.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
        var seen = Sizes(before.Where(e => e.Event == "block")).ToList();
        var rest = await FunctionAppStreamTests.ReadAsync(after.Http, from, SeenBlocks(40 - seen.Count));
        seen.AddRange(Sizes(rest.Where(e => e.Event == "block")));
        Assert.Equal(Enumerable.Range(10, 40), seen.Order());
    }

    /// <summary>
    /// The default: under the host a stream ends itself (an <c>end</c> event naming its last id) well inside
    /// host.json's <c>functionTimeout</c>, so no stream ever makes the host restart the handler. Played with a
    /// 3-second lifetime beside a 10-minute timeout; the arithmetic for the real values is asserted beside it.
    /// </summary>
    [Fact]
    public async Task AStreamInsideFunctionTimeoutEndsItselfAndTheHandlerIsNeverRestarted()
    {
        using (var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "host.json"))))
        {
            var timeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var heartbeat = new FlowFunctions.Functions.Streaming.StreamOptions().HeartbeatSeconds;
            // The stream ends at its lifetime; the end event and the close take at most a heartbeat's time more.
            Assert.True(FlowStreamApi.FunctionAppLifetimeSeconds + (2 * heartbeat) < timeout.TotalSeconds, $"a stream's lifetime is too close to functionTimeout {timeout}");
        }

        var settings = await SeededSettingsAsync("playend", new() { ["Stream__MaxLifetimeSeconds"] = "3" });
        await using var streaming = await HandlerProcess.StartAsync(published.Folder, settings);
        await using var proxy = await HostProxy.StartAsync(streaming.Http.BaseAddress!, new HostProxyOptions { RestartHandler = streaming.RestartAsync });
        proxy.Http.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
        var events = await ReadUntilCutAsync(proxy.Http, StreamPosition.StartOf(NewYorkTime.TradingDate(DateTimeOffset.UtcNow)).ToString());
        Assert.Equal("end", events[^1].Event);
        Assert.Empty(proxy.Log);
        Assert.Equal(0, streaming.Restarts);
    }

    private async Task<Dictionary<string, string>> SeededSettingsAsync(string name, Dictionary<string, string> extra)
    {
        var settings = await PublishedAppFixture.AzuriteSettingsAsync(azurite.Account, AzuriteFixture.UniqueName(name), Secret, AlphaKey);
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        return settings;
    }

    private static async Task IngestAsync(HandlerProcess handler, string[] messages, string partition, long firstSequence)
    {
        using var response = await handler.Http.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(messages, firstSequence, partition)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", await HostPayloads.AnswerLogsAsync(response)) + "\n" + handler.Output);
    }

    private static Func<SseEvent, bool> SeenBlocks(int count)
    {
        var seen = 0;
        return e => e.Event == "block" && ++seen == count;
    }

    private static IEnumerable<int> Sizes(IEnumerable<SseEvent> blocks) => blocks.Select(b => JsonDocument.Parse(b.Data).RootElement.GetProperty("size").GetInt32());

    /// <summary>Every event of one connection until the server ends it or the connection is cut (60 s at most).</summary>
    private static async Task<List<SseEvent>> ReadUntilCutAsync(HttpClient client, string lastEventId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await StreamHarness.OpenAsync(client, "symbols=SPY", lastEventId, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<SseEvent>();
        try
        {
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            while (await reader.ReadAsync(timeout.Token) is { } e)
            {
                events.Add(e);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !timeout.IsCancellationRequested)
        {
            // Cut: the handler behind the proxy was killed.
        }

        return events;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 90 s for {what}");
            await Task.Delay(50);
        }
    }
}
