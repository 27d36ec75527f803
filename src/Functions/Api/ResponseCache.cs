using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowFunctions.Functions.Telemetry;

namespace FlowFunctions.Functions.Api;

/// <summary>A response body built once and written as it is: JSON bytes with their status.</summary>
public sealed class CachedJson(int statusCode, byte[] body, DateTimeOffset builtUtc) : IResult
{
    public int StatusCode { get; } = statusCode;

    public byte[] Body { get; } = body;

    /// <summary>The market clock's time when the body was built.</summary>
    public DateTimeOffset BuiltUtc { get; } = builtUtc;

    public static CachedJson Of<T>(T value, JsonTypeInfo<T> type, DateTimeOffset builtUtc, int statusCode = StatusCodes.Status200OK) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(value, type), builtUtc);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, httpContext.RequestAborted).AsTask();
    }
}

/// <summary>
/// A micro-cache for the read endpoints: the answer to one (endpoint, symbol, parameters) is built once and shared by
/// every request for the same key within <see cref="Lifetime"/>, and concurrent requests for a key being built wait for
/// that one build. Under load this turns N identical reads of storage and N serializations into one, which is what keeps
/// latency and billed storage reads flat; the price is that an answer can be up to <see cref="Lifetime"/> older than the
/// newest committed batch of another instance (the product promises ingest → visible within one second). This
/// instance's own writes (a committed batch, a rebuilt leaderboard snapshot) call <see cref="Invalidate"/>, so they are
/// visible at once. Keys never include the API key: auth and quotas run per request before this. A failed build is not
/// kept. Bounded: past <see cref="MaxEntries"/> live keys, new keys are built uncached. Time is the app's
/// <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
public sealed class ResponseCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(500);

    public const int MaxEntries = 4_096;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public int Count => _entries.Count;

    /// <summary>Makes every answer built so far stale.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    public async Task<CachedJson> GetAsync(string key, Func<Task<CachedJson>> build, CancellationToken cancellationToken)
    {
        var now = new Stamp(time.GetUtcNow(), Interlocked.Read(ref _generation));
        if (_entries.TryGetValue(key, out var held) && !held.ExpiredAt(now))
        {
            ApiMetrics.CacheLookup("response", hit: true);
            return await Await(key, held, cancellationToken);
        }

        ApiMetrics.CacheLookup("response", hit: false);

        if (_entries.Count >= MaxEntries && !Sweep(now))
        {
            return await build();
        }

        var fresh = new Entry(now, build);
        var entry = _entries.AddOrUpdate(key, fresh, (_, old) => old.ExpiredAt(now) ? fresh : old);
        return await Await(key, entry, cancellationToken);
    }

    private async Task<CachedJson> Await(string key, Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            // The build is shared, so one caller's cancellation must not cancel it for the others.
            return await entry.Task.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Task.IsFaulted || entry.Task.IsCanceled)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }

    /// <summary>Drops expired entries; false when the cache is still full.</summary>
    private bool Sweep(Stamp now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiredAt(now))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }

        return _entries.Count < MaxEntries;
    }

    private readonly record struct Stamp(DateTimeOffset Time, long Generation);

    private sealed class Entry(Stamp created, Func<Task<CachedJson>> build)
    {
        // Started only by the entry that wins the key, so a losing racer never builds.
        private readonly Lazy<Task<CachedJson>> _task = new(() => System.Threading.Tasks.Task.Run(build));

        public Task<CachedJson> Task => _task.Value;

        public bool ExpiredAt(Stamp now) =>
            now.Generation != created.Generation || now.Time - created.Time >= Lifetime || now.Time < created.Time;
    }
}
