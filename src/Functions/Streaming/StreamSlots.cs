using System.Collections.Concurrent;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// The streams each key holds open on this instance, against its plan's <c>MaxStreams</c> (docs/api.md "Live flow
/// stream"). Per instance: under the Functions host a key's streams spread over instances are each counted where they
/// run. A slot carries a token that <see cref="Revoke"/> cancels, so a revoked key's streams end
/// (<see cref="StreamKeyWatch"/>). Thread-safe.
/// </summary>
public sealed class StreamSlots
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Slot, string> _slots = new();

    /// <summary>Takes a slot of <paramref name="keyId"/> if it holds fewer than <paramref name="limit"/>; dispose the result to give it back.</summary>
    public StreamSlot? TryTake(string keyId, int limit)
    {
        while (true)
        {
            var held = _open.GetOrAdd(keyId, 0);
            if (held >= limit)
            {
                return null;
            }

            if (_open.TryUpdate(keyId, held + 1, held))
            {
                var slot = new Slot(this, keyId);
                _slots[slot] = keyId;
                return slot;
            }
        }
    }

    public int Held(string keyId) => _open.TryGetValue(keyId, out var n) ? n : 0;

    /// <summary>The keys that hold a stream open on this instance now.</summary>
    public IReadOnlyCollection<string> OpenKeys() => _slots.Values.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Ends every stream <paramref name="keyId"/> holds on this instance (its slots' tokens are cancelled); returns how many.</summary>
    public int Revoke(string keyId)
    {
        var ended = 0;
        foreach (var (slot, key) in _slots)
        {
            if (key == keyId)
            {
                slot.Cancel();
                ended++;
            }
        }

        return ended;
    }

    private void Give(Slot slot)
    {
        _slots.TryRemove(slot, out _);
        _open.AddOrUpdate(slot.KeyId, 0, (_, n) => Math.Max(0, n - 1));
    }

    private sealed class Slot(StreamSlots slots, string keyId) : StreamSlot
    {
        private readonly CancellationTokenSource _revoked = new();
        private int _disposed;

        public string KeyId { get; } = keyId;

        public override CancellationToken Revoked => _revoked.Token;

        public void Cancel()
        {
            try
            {
                _revoked.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Given back meanwhile.
            }
        }

        public override void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                slots.Give(this);
                _revoked.Dispose();
            }
        }
    }
}

/// <summary>One open stream's slot: given back on dispose; <see cref="Revoked"/> is cancelled when its key is revoked.</summary>
public abstract class StreamSlot : IDisposable
{
    public abstract CancellationToken Revoked { get; }

    public abstract void Dispose();
}
