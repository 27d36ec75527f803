using System.Globalization;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Chains in Blob Storage: one blob <c>{yyyy-MM-dd}/{SYMBOL}</c> per underlying and trading date holding the merged
/// chain (<see cref="FlowCodec.EncodeChain"/>). Chain events apply in any order and any number of times to the same
/// chain (<see cref="SymbolChain.Apply"/>), so a redelivered batch needs no tag: the merge is read, applied and
/// written back under the blob's ETag, and a lost race re-reads. The chains this instance wrote last are cached as
/// their stored bytes.
/// Thread-safe.
/// </summary>
internal sealed class ChainBlobs(StoreContainer blobs)
{
    private const int MaxAttempts = 8;
    private const int CachedChains = 2_048;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string ETag, byte[] Bytes)> _cache = new(StringComparer.Ordinal);

    /// <summary>Applies a batch's chain events.</summary>
    public async Task ApplyAsync(IReadOnlyList<ChainEvent> events, CancellationToken cancellationToken)
    {
        foreach (var group in events.GroupBy(e => (e.Underlying, Date: NewYorkTime.TradingDate(e.Timestamp))))
        {
            await ApplyAsync(group.Key.Underlying, group.Key.Date, group.ToArray(), cancellationToken);
        }
    }

    public async Task<SymbolChain?> ReadAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        var blob = await blobs.GetAsync(Name(symbol, tradingDate), cancellationToken);
        return blob is null ? null : FlowCodec.DecodeChain(symbol, tradingDate, blob.Data.ToMemory().Span);
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
            lock (_lock)
            {
                _cache.Remove(name);
            }
        }
    }

    private async Task ApplyAsync(string symbol, DateOnly date, IReadOnlyList<ChainEvent> events, CancellationToken cancellationToken)
    {
        var name = Name(symbol, date);
        for (var attempt = 1; ; attempt++)
        {
            (string ETag, byte[] Bytes)? held;
            lock (_lock)
            {
                held = _cache.TryGetValue(name, out var cached) ? cached : null;
            }

            if (held is null)
            {
                var blob = await blobs.GetAsync(name, cancellationToken);
                held = blob is null ? (string.Empty, []) : (blob.ETag, blob.Data.ToArray());
            }

            var (etag, stored) = held.Value;
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
                lock (_lock)
                {
                    _cache.Remove(name); // another writer changed it: read it again
                }
            }
        }
    }

    private void Remember(string name, string etag, byte[] bytes)
    {
        lock (_lock)
        {
            if (_cache.Count >= CachedChains)
            {
                _cache.Clear();
            }

            _cache[name] = (etag, bytes);
        }
    }

    private static string Name(string symbol, DateOnly date) => $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{symbol}";
}
