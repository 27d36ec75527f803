using System.Collections.Concurrent;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// The streams each key holds open on this instance, against its plan's <c>MaxStreams</c> (docs/api.md "Live flow
/// stream"). Per instance: under the Functions host a key's streams spread over instances are each counted where they
/// run. Thread-safe.
/// </summary>
public sealed class StreamSlots
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes a slot of <paramref name="keyId"/> if it holds fewer than <paramref name="limit"/>; dispose the result to give it back.</summary>
    public IDisposable? TryTake(string keyId, int limit)
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
                return new Slot(this, keyId);
            }
        }
    }

    public int Held(string keyId) => _open.TryGetValue(keyId, out var n) ? n : 0;

    private void Give(string keyId) => _open.AddOrUpdate(keyId, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Slot(StreamSlots slots, string keyId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                slots.Give(keyId);
            }
        }
    }
}
