using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowFunctions.Client.Models;

namespace FlowFunctions.Client;

/// <summary>Which durable events a stream sends (docs/api.md "Live flow stream"); previews come with <see cref="Minute"/>.</summary>
[Flags]
public enum FlowStreamEvents
{
    Minute = 1,
    Block = 2,
    Alert = 4,
    All = Minute | Block | Alert,
}

public sealed partial class FlowFunctionsClient
{
    private static readonly TimeSpan DefaultReconnect = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The live flow stream (alpha plan) as one sequence that never ends by itself: when the server ends a connection
    /// (<c>end</c> at its lifetime, <c>slow</c>) or the connection drops or stays silent past
    /// <see cref="FlowFunctionsClientOptions.StreamIdleTimeout"/>, it waits the server's <c>retry</c> and
    /// reconnects with the last id it yielded, so every durable event comes once, in order. Connection failures are
    /// retried <see cref="FlowFunctionsClientOptions.MaxRetries"/> times in a row with a doubling backoff; errors the
    /// server answers (401, 403, 400, a 429 past the retry bound) are thrown. Control events are yielded too: a
    /// <c>reset</c> says the id was not in today's journal, so refetch the REST views.
    /// </summary>
    /// <param name="symbols">1 to 50 symbols.</param>
    /// <param name="events">Which events; null for all.</param>
    /// <param name="lastEventId">Resume after this id (<c>yyyyMMdd.0.0</c> is the trading day's start); null for the live end.</param>
    public async IAsyncEnumerable<FlowStreamEvent> StreamAsync(
        IEnumerable<string> symbols,
        FlowStreamEvents? events = null,
        string? lastEventId = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var names = string.Join(',', symbols.Select(s => s.Trim()));
        var query = $"v1/flow/stream{Query(("symbols", names), ("events", EventNames(events)))}";
        var last = lastEventId;
        var failures = 0;
        while (true)
        {
            var reconnect = DefaultReconnect;
            var response = await OpenStreamAsync(query, last, failures, cancellationToken).ConfigureAwait(false);
            if (response is not null)
            {
                using (response)
                {
                    // HttpClient's timeout ends with the headers; a connection that goes silent (no event, no heartbeat)
                    // for StreamIdleTimeout is taken for dropped. Each event restarts the timer.
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(_streamIdle);
                    var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        var parser = SseParser.Create(body);
                        var items = parser.EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
                        await using (items.ConfigureAwait(false))
                        {
                            while (await NextAsync(items, cancellationToken).ConfigureAwait(false))
                            {
                                idle.CancelAfter(_streamIdle);
                                var item = items.Current;
                                failures = 0;
                                if (!string.IsNullOrEmpty(item.EventId))
                                {
                                    last = item.EventId;
                                }

                                using var data = JsonDocument.Parse(item.Data);
                                yield return new FlowStreamEvent(item.EventId ?? string.Empty, item.EventType, data.RootElement.Clone());
                            }
                        }

                        reconnect = parser.ReconnectionInterval > TimeSpan.Zero ? parser.ReconnectionInterval : DefaultReconnect;
                    }
                }
            }
            else
            {
                failures++;
                reconnect = _backoff * Math.Pow(2, failures - 1);
            }

            await Task.Delay(reconnect, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens one connection; null when it could not be reached and may be tried again.</summary>
    private async Task<HttpResponseMessage?> OpenStreamAsync(string query, string? last, int failures, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(query, last, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (failures < _maxRetries && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (FlowFunctionsException e) when (e.Status >= 500 && failures < _maxRetries)
        {
            return null;
        }
    }

    /// <summary>The next event; false when the connection ended, dropped or went silent (the caller reconnects).</summary>
    private static async Task<bool> NextAsync(IAsyncEnumerator<SseItem<string>> items, CancellationToken cancellationToken)
    {
        try
        {
            return await items.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // A read cut by the caller's cancellation surfaces as the cancellation; the idle timer's, as a dropped connection.
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private static string? EventNames(FlowStreamEvents? events)
    {
        if (events is not { } e || e == FlowStreamEvents.All)
        {
            return null;
        }

        var names = new List<string>(3);
        if (e.HasFlag(FlowStreamEvents.Minute))
        {
            names.Add("minute");
        }

        if (e.HasFlag(FlowStreamEvents.Block))
        {
            names.Add("block");
        }

        if (e.HasFlag(FlowStreamEvents.Alert))
        {
            names.Add("alert");
        }

        return names.Count == 0 ? throw new ArgumentException("Ask for at least one kind of event.", nameof(events)) : string.Join(',', names);
    }
}
