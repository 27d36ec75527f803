using System.Net;
using System.Net.Http.Headers;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// The standalone app in process with a simulated session fed through the ingest endpoint minute by minute, the
/// market clock moved with it, and the stream's journal to compare clients against. Stream settings make blocks common
/// (200 contracts or $50,000) and poll every 20 ms, so a test sees every kind of event within seconds.
/// </summary>
internal sealed class StreamHarness : IAsyncDisposable
{

    private readonly MarketSimulatorFeed _feed;

    public StreamHarness(int symbols = 8, IReadOnlyDictionary<string, string?>? settings = null, double intensity = 1.0, bool kestrel = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["Stream:PollMilliseconds"] = "20",
            ["Stream:BlockMinContracts"] = "200",
            ["Stream:BlockMinPremium"] = "50000",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        Factory = new FlowApiFactory(all, SimulatedDays.Open);
        if (kestrel)
        {
            // A real socket, for a test that needs TCP's back-pressure (the in-memory test server has none).
            Factory.StartOnLoopback();
        }

        _feed = new MarketSimulatorFeed(SimulatedDays.Simulator(symbols: symbols, intensity: intensity));
        SymbolList = [.. _feed.Symbols.Take(5)];
    }

    public FlowApiFactory Factory { get; }

    /// <summary>The five symbols the tests subscribe to (of the simulated universe).</summary>
    public IReadOnlyList<string> SymbolList { get; }

    public string SymbolQuery => string.Join(',', SymbolList);

    public static string StartOfDay => StreamPosition.StartOf(SimulatedDays.Friday).ToString();

    /// <summary>The morning chains, then the session's first <paramref name="minutes"/> minutes, each minute posted once the clock passed it.</summary>
    public async Task IngestMinutesAsync(int minutes, TimeSpan pause, CancellationToken cancellationToken = default)
    {
        using var client = Factory.ClientWithKey(Keys.Admin);
        await PostAsync(client, _feed.Chains());
        for (var i = 0; i < minutes; i++)
        {
            Factory.Clock.Set(SimulatedDays.Open.AddMinutes(i + 1));
            foreach (var payload in _feed.Through(Factory.Clock.GetUtcNow()))
            {
                await PostAsync(client, payload);
            }

            await Task.Delay(pause, cancellationToken);
        }
    }

    /// <summary>
    /// Moves the clock past every minute ingested and closes them all, as the snapshot job would (or a hub with a stream
    /// open, which may be closing beside it).
    /// </summary>
    public async Task CloseAllAsync(int minutes)
    {
        Factory.Clock.Set(SimulatedDays.Open.AddMinutes(minutes + 1).AddSeconds(10));
        var journal = Factory.Services.GetRequiredService<IStreamJournal>();
        var closer = Factory.Services.GetRequiredService<MinuteCloser>();
        var last = Analytics.Aggregates.MinuteBucket.Of(SimulatedDays.Open.AddMinutes(minutes - 1));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await journal.ReadStateAsync(SimulatedDays.Friday, default)).State.LastClosedMinute < last)
        {
            Assert.True(DateTime.UtcNow < deadline, "the minutes did not close");
            await closer.CloseDueAsync(default);
            await Task.Delay(20);
        }
    }

    /// <summary>Every journaled event of the day a stream of <see cref="SymbolList"/> should send, with its id, in order.</summary>
    public async Task<List<SseEvent>> ExpectedAsync(IReadOnlySet<StreamEventKind>? kinds = null)
    {
        var journal = Factory.Services.GetRequiredService<IStreamJournal>();
        var events = new List<SseEvent>();
        for (long page = 1; ; page++)
        {
            var pages = await journal.ReadAsync(SimulatedDays.Friday, page, 1, default);
            if (pages.Count == 0)
            {
                return events;
            }

            for (var i = 0; i < pages[0].Events.Count; i++)
            {
                var e = pages[0].Events[i];
                if (SymbolList.Contains(e.Symbol) && (kinds is null || kinds.Contains(e.Kind)))
                {
                    events.Add(new SseEvent(new StreamPosition(SimulatedDays.Friday, page, i).ToString(), e.Kind.Name(), e.Data));
                }
            }
        }
    }

    /// <summary>Opens a stream with the alpha key; the response is streamed (headers read, body not yet).</summary>
    public static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string query, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/flow/stream?" + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response;
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    private static async Task PostAsync(HttpClient client, byte[] payload)
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/v1/ingest/events", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The simulator's tape as ingest payloads: the chains, then each stretch up to a time.</summary>
    private sealed class MarketSimulatorFeed(Analytics.Simulation.MarketSimulator simulator)
    {
        public IEnumerable<string> Symbols => simulator.Universe.Select(s => s.Symbol);

        public byte[] Chains()
        {
            var tape = new EventBatch();
            foreach (var chain in simulator.MorningChains())
            {
                tape.Order.Add(new EventRef(MarketEventKind.Chain, tape.Chains.Count));
                tape.Chains.Add(chain);
            }

            return SimulatedDays.Payloads(tape, tape.Order.Count).Single();
        }

        public List<byte[]> Through(DateTimeOffset until)
        {
            var tape = new EventBatch();
            simulator.AdvanceTo(until, tape);
            return tape.Order.Count == 0 ? [] : SimulatedDays.Payloads(tape, 250);
        }
    }
}
