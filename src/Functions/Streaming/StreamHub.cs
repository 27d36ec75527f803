using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Streaming;

/// <summary>A minute still building, as the last poll saw it: sent to streams as a preview (never journaled, never replayed).</summary>
public sealed record MinutePreview(string Symbol, long Minute, string Data, long Version);

/// <summary>
/// One instance's view of the stream journal (docs/api.md "Live flow stream"). While streams are open it runs, every <see cref="StreamOptions.PollMilliseconds"/> and at once when this process appends: the
/// <see cref="MinuteCloser"/>; a read of the journal's new pages, whoever appended them, into a cache of recent pages;
/// and the previews of minutes not yet closed. Then it wakes the streams, which pull what they have not sent
/// (<see cref="StreamSession"/>): a stream holds a position, never a queue, so a slow one costs no memory here.
/// Thread-safe.
/// </summary>
public sealed partial class StreamHub(
    IStreamJournal journal,
    IFlowStore store,
    MinuteCloser closer,
    MarketClock clock,
    IOptions<StreamOptions> options,
    ILogger<StreamHub> logger) : BackgroundService
{
    private const int PagesPerRead = 100;

    /// <summary>Minutes not yet closed that get previews: the current one and the two before it.</summary>
    private const int PreviewMinutes = 3;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly List<StreamPage> _cache = [];
    private readonly Dictionary<(string Symbol, long Minute), MinutePreview> _previews = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _closing = Task.CompletedTask;
    private DateOnly _day;
    private long _head = -1;
    private int _headCount;
    private long _cacheBytes;
    private long _previewVersion;
    private int _streams;

    /// <summary>Completes at the next change (new pages or previews); take it before reading, then wait on it.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>The trading day the hub follows.</summary>
    public DateOnly Day
    {
        get
        {
            lock (_gate)
            {
                return _day;
            }
        }
    }

    /// <summary>Whether the hub has found today's journal end (it has polled once).</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _head >= 0;
            }
        }
    }

    /// <summary>The position of the journal's last event as this instance knows it; a new stream starts after it.</summary>
    public StreamPosition Live
    {
        get
        {
            lock (_gate)
            {
                return _head <= 0 ? StreamPosition.StartOf(_day) : new StreamPosition(_day, _head, Math.Max(0, _headCount - 1));
            }
        }
    }

    public int OpenStreams => Volatile.Read(ref _streams);

    /// <summary>Counts a stream as open (the hub polls while any is) until the result is disposed.</summary>
    public IDisposable Open()
    {
        Interlocked.Increment(ref _streams);
        _wake.Release();
        return new Closer(this);
    }

    /// <summary>Waits until the hub has found today's journal end.</summary>
    public async Task WhenReadyAsync(CancellationToken cancellationToken)
    {
        while (!IsReady)
        {
            await Task.WhenAny(Changed, Task.Delay(50, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Pages <paramref name="fromPage"/> on of <paramref name="day"/>, from the cache when it holds them.</summary>
    public async Task<IReadOnlyList<StreamPage>> ReadAsync(DateOnly day, long fromPage, CancellationToken cancellationToken)
    {
        fromPage = Math.Max(1, fromPage);
        lock (_gate)
        {
            if (day == _day && _cache.Count > 0 && fromPage >= _cache[0].Number)
            {
                var from = (int)(fromPage - _cache[0].Number);
                return from >= _cache.Count ? [] : _cache.GetRange(from, Math.Min(PagesPerRead, _cache.Count - from));
            }

            if (day == _day && fromPage > _head && _head >= 0)
            {
                return [];
            }
        }

        return await journal.ReadAsync(day, fromPage, PagesPerRead, cancellationToken);
    }

    /// <summary>Previews newer than <paramref name="version"/>, in the order they were made.</summary>
    public IReadOnlyList<MinutePreview> PreviewsAfter(long version)
    {
        lock (_gate)
        {
            return version >= _previewVersion ? [] : [.. _previews.Values.Where(p => p.Version > version).OrderBy(p => p.Version)];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        journal.Appended += OnAppended;
        try
        {
            var poll = TimeSpan.FromMilliseconds(Math.Max(10, options.Value.PollMilliseconds));
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }

                await _wake.WaitAsync(poll, stoppingToken);
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            journal.Appended -= OnAppended;
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// One poll: start closing what is due (in the background: catching up on a morning of minutes reads every symbol
    /// that printed, and must not hold up pages and previews), read new pages, rebuild previews, wake the streams.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var streaming = OpenStreams > 0;
        if (streaming && _closing.IsCompleted)
        {
            _closing = Task.Run(() => CloseAsync(cancellationToken), cancellationToken);
        }

        var today = NewYorkTime.TradingDate(clock.Now);
        var changed = await PollPagesAsync(today, cancellationToken);
        if (streaming)
        {
            changed |= await PreviewAsync(today, cancellationToken);
        }

        if (changed)
        {
            TaskCompletionSource done;
            lock (_gate)
            {
                done = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            done.TrySetResult();
        }
    }

    private async Task<bool> PollPagesAsync(DateOnly today, CancellationToken cancellationToken)
    {
        long from;
        lock (_gate)
        {
            if (today != _day || _head < 0)
            {
                _day = today;
                _head = -1;
                _cache.Clear();
                _cacheBytes = 0;
                _previews.Clear();
            }

            from = _head + 1;
        }

        if (from == 0)
        {
            // First poll of the day: start at the journal's end; older pages are read on demand.
            var count = await journal.CountPagesAsync(today, cancellationToken);
            var last = count > 0 ? await journal.ReadAsync(today, count, 1, cancellationToken) : [];
            lock (_gate)
            {
                _head = count;
                _headCount = last.Count > 0 ? last[0].Events.Count : 0;
            }

            return true;
        }

        var changed = false;
        while (true)
        {
            var pages = await journal.ReadAsync(today, from, PagesPerRead, cancellationToken);
            if (pages.Count == 0)
            {
                return changed;
            }

            lock (_gate)
            {
                foreach (var page in pages.Where(p => p.Number == _head + 1))
                {
                    _cache.Add(page);
                    _cacheBytes += page.Events.Sum(e => e.Data.Length + 16);
                    _head = page.Number;
                    _headCount = page.Events.Count;
                }

                while (_cache.Count > 1 && _cacheBytes > options.Value.CacheBytes)
                {
                    _cacheBytes -= _cache[0].Events.Sum(e => e.Data.Length + 16);
                    _cache.RemoveAt(0);
                }

                from = _head + 1;
            }

            changed = true;
        }
    }

    /// <summary>
    /// Previews of the minutes after the last closed one (at most <see cref="PreviewMinutes"/>): a symbol's minute gets a
    /// new preview when its tally changed since the last; cumulative adds the minutes not yet closed to the state's.
    /// </summary>
    private async Task<bool> PreviewAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var state = (await journal.ReadStateAsync(today, cancellationToken)).State;
        var current = MinuteBucket.Of(clock.Now);
        var first = Math.Max(state.LastClosedMinute + 1, current - PreviewMinutes + 1);
        var minutes = new List<(long Minute, IReadOnlyList<KeyValuePair<string, FlowTally>> Tallies)>();
        for (var m = first; m <= current; m++)
        {
            minutes.Add((m, await store.ReadWindowTotalsAsync(m, m, cancellationToken)));
        }

        var running = new Dictionary<string, long>(StringComparer.Ordinal);
        var changed = false;
        lock (_gate)
        {
            foreach (var stale in _previews.Keys.Where(k => k.Minute <= state.LastClosedMinute).ToList())
            {
                _previews.Remove(stale);
            }

            foreach (var (minute, tallies) in minutes)
            {
                foreach (var (symbol, tally) in tallies)
                {
                    var cumulative = Rounding.Count((running.TryGetValue(symbol, out var r) ? r : state.Symbols.GetValueOrDefault(symbol).Cumulative) + tally.NetVolume);
                    running[symbol] = cumulative;
                    var data = StreamEvents.Minute(symbol, minute, tally, cumulative, final: false);
                    if (!_previews.TryGetValue((symbol, minute), out var held) || held.Data != data)
                    {
                        _previews[(symbol, minute)] = new MinutePreview(symbol, minute, data, ++_previewVersion);
                        changed = true;
                    }
                }
            }
        }

        return changed;
    }

    /// <summary>Closes what is due; a close's pages wake the hub through <see cref="IStreamJournal.Appended"/>.</summary>
    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await closer.CloseDueAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    private void OnAppended(DateOnly day) => _wake.Release();

    private void Release() => Interlocked.Decrement(ref _streams);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream poll failed; the next poll retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private sealed class Closer(StreamHub hub) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Release();
            }
        }
    }
}
