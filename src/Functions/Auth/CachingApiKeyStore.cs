using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Auth;

/// <summary>
/// The key store as every request sees it: each lookup's answer, a key or "no such key", is kept for
/// <c>Auth:KeyCacheSeconds</c> (default 30), so a caller costs one storage read per key id per instance in that time,
/// and a flood of made-up keys costs one read per distinct id instead of one per request. At most
/// <see cref="Capacity"/> ids are held; past that the least recently used goes. Concurrent lookups of one id share one
/// read. A failed read is not kept. Writes through this store (creating, revoking, re-planning a key) take effect at
/// once in this instance; a revocation written elsewhere (<c>flowctl keys revoke</c>) takes effect within the lifetime
/// (docs/api.md). Thread-safe.
/// </summary>
public sealed class CachingApiKeyStore(IApiKeyStore inner, TimeProvider time, TimeSpan lifetime, int capacity = CachingApiKeyStore.DefaultCapacity) : IApiKeyStore
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new(); // most recently used first

    public int Capacity { get; } = capacity;

    /// <summary>Ids held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return await inner.FindAsync(id, cancellationToken);
        }

        Entry entry;
        bool hit;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(id, out var node) && node.Value.Until > now)
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                entry = node.Value;
                hit = true;
            }
            else
            {
                if (node is not null)
                {
                    Remove(node);
                }

                // The read is shared by every caller of this id, so no one caller's cancellation may cancel it; the
                // SDK's own timeouts bound it.
                entry = new Entry(id, now + lifetime, new Lazy<Task<ApiKeyRecord?>>(() => inner.FindAsync(id, CancellationToken.None)));
                _entries[id] = _recent.AddFirst(entry);
                while (_entries.Count > Capacity)
                {
                    Remove(_recent.Last!);
                }

                hit = false;
            }
        }

        ApiMetrics.CacheLookup("keys", hit);
        try
        {
            return await entry.Lookup.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Lookup.Value.IsFaulted || entry.Lookup.Value.IsCanceled)
        {
            Forget(id, entry);
            throw;
        }
    }

    /// <summary>The key as the store holds it now, past the held answer (which it replaces): for checks that must see a revocation at once.</summary>
    public Task<ApiKeyRecord?> FindFreshAsync(string id, CancellationToken cancellationToken)
    {
        Forget(id, null);
        return FindAsync(id, cancellationToken);
    }

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        var created = await inner.CreateAsync(key, cancellationToken);
        Forget(key.Id, null);
        return created;
    }

    public async Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReplaceAsync(key, ifMatch, cancellationToken);
        }
        finally
        {
            Forget(key.Id, null); // even a failed replace may mean the held answer is stale
        }
    }

    public Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        inner.ListAsync(pageSize, continuationToken, cancellationToken);

    /// <summary>Drops the held answer for <paramref name="id"/> (only <paramref name="entry"/>, when given).</summary>
    private void Forget(string id, Entry? entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(id, out var node) && (entry is null || ReferenceEquals(node.Value, entry)))
            {
                Remove(node);
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _entries.Remove(node.Value.Id);
    }

    private sealed record Entry(string Id, DateTimeOffset Until, Lazy<Task<ApiKeyRecord?>> Lookup);
}
