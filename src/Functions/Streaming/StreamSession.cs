using System.IO.Pipelines;
using System.Text;
using FlowFunctions.Analytics.Streaming;

namespace FlowFunctions.Functions.Streaming;

/// <summary>What one stream asked for: its symbols, its event kinds, and where it resumes (null: from the live end).</summary>
public sealed record StreamRequest(IReadOnlySet<string> Symbols, IReadOnlySet<StreamEventKind> Kinds, StreamPosition? Resume)
{
    public bool Wants(StreamRecord e) => Kinds.Contains(e.Kind) && Symbols.Contains(e.Symbol);
}

/// <summary>
/// One open stream, written as Server-Sent Events (docs/api.md "Live flow stream"). It holds a position in the day's
/// journal and pulls from the <see cref="StreamHub"/> what follows it: first what a resume missed, then live pages as
/// the hub finds them, each durable event with its position as <c>id:</c>; previews of building minutes as they
/// change; a comment when nothing was sent for the heartbeat interval. It ends with <c>slow</c> when it stays behind the
/// journal's end longer than <see cref="StreamOptions.MaxLagSeconds"/> or a write waits that long (the client reads too
/// slowly), and with <c>end</c> after <paramref name="lifetimeSeconds"/> (0: never); the client resumes
/// from its last id either way. Not thread-safe: one per request.
/// </summary>
public sealed class StreamSession(StreamHub hub, StreamRequest request, StreamOptions options, int lifetimeSeconds, TimeProvider wallClock)
{
    private PipeWriter _body = null!;
    private StreamPosition _position;
    private long _previewSeen;
    private long _previewCount;

    /// <summary>Where the stream stands: the position of the last durable event it has passed.</summary>
    public StreamPosition Position => _position;

    /// <param name="revoked">Cancelled when the stream's key is revoked: the stream then ends with <c>revoked</c>.</param>
    public async Task RunAsync(HttpResponse response, CancellationToken cancellationToken, CancellationToken revoked = default)
    {
        var body = _body = response.BodyWriter;
        var heartbeat = TimeSpan.FromSeconds(Math.Max(1, options.HeartbeatSeconds));
        var maxLag = TimeSpan.FromSeconds(Math.Max(1, options.MaxLagSeconds));
        var started = wallClock.GetUtcNow();
        var end = lifetimeSeconds > 0 ? started + TimeSpan.FromSeconds(lifetimeSeconds) : DateTimeOffset.MaxValue;

        Write(body, $"retry: {Math.Max(0, options.RetryMilliseconds)}\n\n");
        var resumed = await StartAsync(body, cancellationToken);
        Control(body, "ready", $"{{\"lastEventId\":\"{_position}\",\"resumed\":{(resumed ? "true" : "false")}}}");
        if (!await FlushAsync(body, maxLag))
        {
            return;
        }

        var lastWrite = wallClock.GetUtcNow();
        DateTimeOffset? behindSince = null;
        var revokedTask = Task.Delay(Timeout.Infinite, revoked).ContinueWith(static _ => { }, TaskScheduler.Default);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (revoked.IsCancellationRequested)
            {
                Control(body, "revoked", "{\"reason\":\"The API key was revoked.\"}");
                await FlushAsync(body, TimeSpan.FromSeconds(1));
                return;
            }

            var changed = hub.Changed;
            var wrote = WritePreviews(body);
            var (pages, more) = await NextPagesAsync(cancellationToken);
            wrote |= pages;
            if (wrote && !await FlushAsync(body, maxLag))
            {
                Control(body, "slow", $"{{\"reason\":\"The client read too slowly; resume from the last id received.\",\"lastEventId\":\"{_position}\"}}");
                await FlushAsync(body, TimeSpan.FromSeconds(1));
                return;
            }

            var now = wallClock.GetUtcNow();
            lastWrite = wrote ? now : lastWrite;
            behindSince = more ? behindSince ?? now : null;
            if (behindSince is { } since && now - since > maxLag)
            {
                Control(body, "slow", $"{{\"reason\":\"The stream stayed behind the live end; resume from the last id received.\",\"lastEventId\":\"{_position}\"}}");
                await FlushAsync(body, TimeSpan.FromSeconds(1));
                return;
            }

            if (now >= end)
            {
                Control(body, "end", $"{{\"reason\":\"The stream reached its maximum lifetime; reconnect with Last-Event-ID.\",\"lastEventId\":\"{_position}\"}}");
                await FlushAsync(body, TimeSpan.FromSeconds(1));
                return;
            }

            if (more)
            {
                continue;
            }

            var wait = lastWrite + heartbeat - now;
            var lifetime = end - now;
            if (lifetime < wait)
            {
                wait = lifetime;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.WhenAny(changed, Task.Delay(wait, wallClock, cancellationToken), revokedTask);
            }

            if (!changed.IsCompleted && wallClock.GetUtcNow() - lastWrite >= heartbeat)
            {
                Write(body, ": heartbeat\n\n");
                lastWrite = wallClock.GetUtcNow();
                if (!await FlushAsync(body, maxLag))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sets the starting position: the resume point when it is in today's journal, else a <c>reset</c> and the live end. True when resumed.</summary>
    private async Task<bool> StartAsync(PipeWriter body, CancellationToken cancellationToken)
    {
        await hub.WhenReadyAsync(cancellationToken);
        var live = hub.Live;
        if (request.Resume is not { } resume)
        {
            _position = live;
            return false;
        }

        if (resume.Day == live.Day && (resume.IsStartOfDay || await ExistsAsync(resume, cancellationToken)))
        {
            _position = resume;
            return true;
        }

        _position = live;
        Control(body, "reset", $"{{\"reason\":\"{(resume.Day < live.Day ? "The id is from an earlier trading day" : "The id is not in today's journal")}; refetch with the REST endpoints, then follow this stream.\",\"lastEventId\":\"{_position}\"}}");
        return false;
    }

    private async Task<bool> ExistsAsync(StreamPosition resume, CancellationToken cancellationToken)
    {
        var pages = await hub.ReadAsync(resume.Day, resume.Page, cancellationToken);
        return pages.Count > 0 && pages[0].Number == resume.Page && resume.Index < pages[0].Events.Count;
    }

    /// <summary>Writes the events after the position from one read of pages; returns whether it wrote any and whether more pages may follow at once.</summary>
    private async Task<(bool Wrote, bool More)> NextPagesAsync(CancellationToken cancellationToken)
    {
        var day = hub.Day;
        if (_position.Day < day)
        {
            // The trading day rolled: what remains of the old day's journal first, then the new day from its start.
            var rest = await hub.ReadAsync(_position.Day, _position.Page, cancellationToken);
            var (wroteOld, _) = WritePages(rest);
            if (rest.Count == 0 || rest[^1].Number == _position.Page)
            {
                _position = StreamPosition.StartOf(day);
            }

            return (wroteOld, true);
        }

        var pages = await hub.ReadAsync(_position.Day, _position.Page, cancellationToken);
        var (wrote, count) = WritePages(pages);
        return (wrote, count > 0 && _position < hub.Live);
    }

    private (bool Wrote, int Pages) WritePages(IReadOnlyList<StreamPage> pages)
    {
        var wrote = false;
        var count = 0;
        foreach (var page in pages)
        {
            for (var i = 0; i < page.Events.Count; i++)
            {
                var at = new StreamPosition(_position.Day, page.Number, i);
                if (at <= _position)
                {
                    continue;
                }

                var e = page.Events[i];
                if (request.Wants(e))
                {
                    Event(_body, at.ToString(), e.Kind.Name(), e.Data);
                    wrote = true;
                }

                _position = at;
            }

            count++;
        }

        return (wrote, count);
    }

    private bool WritePreviews(PipeWriter body)
    {
        if (!request.Kinds.Contains(StreamEventKind.Minute))
        {
            return false;
        }

        var wrote = false;
        foreach (var p in hub.PreviewsAfter(_previewSeen))
        {
            _previewSeen = Math.Max(_previewSeen, p.Version);
            if (request.Symbols.Contains(p.Symbol))
            {
                Event(body, _position.Preview(++_previewCount), "minute", p.Data);
                wrote = true;
            }
        }

        return wrote;
    }

    private void Control(PipeWriter body, string name, string data) => Event(body, _position.Preview(0), name, data);

    private static void Event(PipeWriter body, string id, string name, string data) =>
        Write(body, $"id: {id}\nevent: {name}\ndata: {data}\n\n");

    private static void Write(PipeWriter body, string text)
    {
        var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        body.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>Flushes; false when the client has not taken the bytes within <paramref name="limit"/> (the flush is given up, the bytes stay queued).</summary>
    private static async Task<bool> FlushAsync(PipeWriter body, TimeSpan limit)
    {
        var flush = body.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            return !flush.Result.IsCompleted;
        }

        using var timeout = new CancellationTokenSource(limit);
        using var registration = timeout.Token.Register(body.CancelPendingFlush);
        var result = await flush;
        return !result.IsCanceled && !result.IsCompleted;
    }
}
