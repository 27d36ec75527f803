using System.Text.Json;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// The stream in function-app mode on Azurite (docs/api.md "Live flow stream"): HTTP instances never see ingest, so a
/// stream reads what the Event Hubs trigger wrote into the journal, and what one instance's stream sent resumes on
/// another. Two apps in process on one account play two instances.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class FunctionAppStreamTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AnInstanceStreamsWhatAnotherInstancesTriggerWroteAndItsIdsResumeAnywhere()
    {
        var prefix = AzuriteFixture.UniqueName("fstream");
        var settings = FlowApiFactory.AzureSettings(azurite.Account, prefix, functionApp: true);
        settings["Stream:BlockMinContracts"] = "1";
        settings["Stream:PollMilliseconds"] = "50";
        using var ingesting = new FlowApiFactory(settings);
        await using var streaming = new FlowApiFactory(settings);
        streaming.StartOnLoopback();
        var now = ingesting.Clock.Now;
        streaming.Clock.Set(now);
        var day = NewYorkTime.TradingDate(now);
        var tape = Tape(now, 40);

        using (var host = ingesting.CreateClient())
        {
            foreach (var (part, partition, first) in new[] { (tape[..20], "0", 5_000L), (tape[20..], "1", 7_000L) })
            {
                using var response = await host.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(part, first, partition)));
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
        }

        // The minutes are over: the streaming instance closes them while its stream is open.
        streaming.Clock.Set(now.AddMinutes(2));
        ingesting.Clock.Set(now.AddMinutes(2));
        // Through the host's HTTP side (enableProxyingHttpRequest, played by YARP as the host does): events arrive as written.
        using var direct = streaming.CreateClient();
        await using var proxy = await FunctionApp.HostProxy.StartAsync(direct.BaseAddress!);
        var client = proxy.Http;
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys.Alpha);
        var fromStreaming = await ReadAsync(client, StreamPosition.StartOf(day).ToString(), e => e.Event == "minute");
        var blocks = fromStreaming.Where(e => e.Event == "block").ToList();
        Assert.Equal(Enumerable.Range(10, 40), blocks.Select(b => JsonDocument.Parse(b.Data).RootElement.GetProperty("size").GetInt32()).Order());

        using var other = ingesting.ClientWithKey(Keys.Alpha);
        var fromIngesting = await ReadAsync(other, blocks[24].Id!, e => e.Id == fromStreaming[^1].Id);
        Assert.Equal(fromStreaming.SkipWhile(e => e.Id != blocks[24].Id).Skip(1), fromIngesting);
    }

    internal static string[] Tape(DateTimeOffset now, int count)
    {
        var expiry = NewYorkTime.TradingDate(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(TestEvents.Trade(now.AddSeconds(-50 + i), "SPY", expiry, 585 + (i % 10), "C", 1.5, 10 + i, side: "buy")))];
    }

    /// <summary>The SPY stream from an id until an event passes <paramref name="until"/>; durable events only.</summary>
    internal static async Task<List<SseEvent>> ReadAsync(HttpClient client, string lastEventId, Func<SseEvent, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await StreamHarness.OpenAsync(client, "symbols=SPY", lastEventId, timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(timeout.Token) is { } e)
        {
            if (e.IsDurable)
            {
                events.Add(e);
                if (until(e))
                {
                    return events;
                }
            }
        }

        throw new Xunit.Sdk.XunitException("The stream ended early.");
    }
}
