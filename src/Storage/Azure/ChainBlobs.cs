using System.Globalization;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Chains in Blob Storage: one blob <c>{yyyy-MM-dd}/{SYMBOL}</c> per underlying and trading date holding the merged
/// chain (<see cref="FlowCodec.EncodeChain"/>). Chain events apply in any order and any number of times to the same
/// chain (<see cref="SymbolChain.Apply"/>), so a redelivered batch needs no tag: the merge is read, applied and
/// written back under the blob's ETag, and a lost race re-reads. The chains this instance last read or wrote are cached
/// as their stored bytes, up to <see cref="CachedBytes"/> (least recently used go first), and so is a chain found
/// missing (the restore of a new instance's market state reads every chain before its first batch): a cached chain is
/// written under its ETag without a read, a missing one created with <c>If-None-Match: *</c>; either meets 412 or 409
/// when another writer got there first, and is read again. Thread-safe.
/// </summary>
internal sealed class ChainBlobs(StoreContainer blobs)
{
    private const int MaxAttempts = 8;
    private const int ParallelWrites = 16;
    /// <summary>Stored bytes of the chains kept in memory (an index's chain is about 1.2 MB, a small name's a few KB).</summary>
    public const long CachedBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Held> _cache = new(StringComparer.Ordinal);
    private long _cachedBytes;
    private long _clock;

    /// <summary>Applies a batch's chain events.</summary>
    public async Task ApplyAsync(IReadOnlyList<ChainEvent> events, CancellationToken cancellationToken)
    {
        // Each blob is its own compare-and-swap, so the underlyings of a batch go in parallel (a refresh of a wide
        // universe brings hundreds of chains in one batch).
        var groups = events.GroupBy(e => (e.Underlying, Date: NewYorkTime.TradingDate(e.Timestamp))).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(groups, options, (group, ct) => new ValueTask(ApplyAsync(group.Key.Underlying, group.Key.Date, group.ToArray(), ct)));
    }

    public async Task<SymbolChain?> ReadAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        var name = Name(symbol, tradingDate);
        var blob = await blobs.GetAsync(name, cancellationToken);
        var bytes = blob?.Data.ToArray() ?? [];
        Remember(name, blob?.ETag ?? string.Empty, bytes);
        return blob is null ? null : FlowCodec.DecodeChain(symbol, tradingDate, bytes);
    }

    /// <summary>Deletes the chains of trading dates before <paramref name="firstKept"/>.</summary>
    public async Task PruneAsync(DateOnly firstKept, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        await foreach (var item in blobs.ListAsync(string.Empty, cancellationToken))
        {
            if (DateOnly.TryParseExact(item.Name.AsSpan(0, Math.Min(10, item.Name.Length)), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                && date < firstKept)
            {
                stale.Add(item.Name);
            }
        }

        foreach (var name in stale)
        {
            await blobs.DeleteAsync(name, cancellationToken);
            Forget(name);
        }
    }

    private async Task ApplyAsync(string symbol, DateOnly date, IReadOnlyList<ChainEvent> events, CancellationToken cancellationToken)
    {
        var name = Name(symbol, date);
        for (var attempt = 1; ; attempt++)
        {
            Held? held;
            lock (_lock)
            {
                held = _cache.GetValueOrDefault(name);
                held?.LastUse = ++_clock;
            }

            if (held is null)
            {
                var blob = await blobs.GetAsync(name, cancellationToken);
                held = new Held(blob?.ETag ?? string.Empty, blob?.Data.ToArray() ?? []);
            }

            var (etag, stored) = (held.ETag, held.Bytes);
            var chain = stored.Length == 0 ? new SymbolChain(symbol, date) : FlowCodec.DecodeChain(symbol, date, stored);
            foreach (var e in events)
            {
                chain.Apply(e);
            }

            var bytes = FlowCodec.EncodeChain(chain);
            if (etag.Length > 0 && bytes.AsSpan().SequenceEqual(stored))
            {
                return; // a redelivery: these events are in the chain already
            }

            try
            {
                var written = await blobs.PutAsync(name, BinaryData.FromBytes(bytes), "application/octet-stream", etag.Length > 0 ? etag : null, etag.Length > 0 ? null : "*", cancellationToken);
                Remember(name, written, bytes);
                return;
            }
            catch (StoreException e) when (e.Failure is StoreFailure.PreconditionFailed or StoreFailure.Conflict && attempt < MaxAttempts)
            {
                Forget(name); // another writer changed or created it: read it again
            }
        }
    }

    private void Remember(string name, string etag, byte[] bytes)
    {
        lock (_lock)
        {
            if (_cache.Remove(name, out var old))
            {
                _cachedBytes -= old.Bytes.Length;
            }

            _cache[name] = new Held(etag, bytes) { LastUse = ++_clock };
            _cachedBytes += bytes.Length;
            if (_cachedBytes > CachedBytes)
            {
                // Drop the least recently used half by bytes, so eviction runs once per many writes, not per write.
                foreach (var stale in _cache.OrderBy(c => c.Value.LastUse).ToArray())
                {
                    if (_cachedBytes <= CachedBytes / 2)
                    {
                        break;
                    }

                    _cache.Remove(stale.Key);
                    _cachedBytes -= stale.Value.Bytes.Length;
                }
            }
        }
    }

    private void Forget(string name)
    {
        lock (_lock)
        {
            if (_cache.Remove(name, out var old))
            {
                _cachedBytes -= old.Bytes.Length;
            }
        }
    }

    private static string Name(string symbol, DateOnly date) => $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{symbol}";

    /// <summary>A chain as stored (no ETag and no bytes: found missing) and when this instance last used it.</summary>
    private sealed record Held(string ETag, byte[] Bytes)
    {
        public long LastUse { get; set; }
    }
}
