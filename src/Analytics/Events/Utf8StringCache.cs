namespace FlowFunctions.Analytics.Events;

/// <summary>
/// A fixed-size, lock-free map from short UTF-8 texts to the strings the parser made of them (an underlying's raw
/// bytes to its normalised, interned symbol; an exchange code to its interned string), so that a name seen before
/// costs one hash and one comparison rather than a conversion to UTF-16 and a dictionary lookup. A slot holds one
/// immutable entry and a newer text in the same slot replaces it: a miss only sends the caller the long way, so the
/// cache never grows and hostile input cannot fill it. Thread-safe: an entry is published by one reference write.
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>Longest text kept.</summary>
    public const int MaxKeyBytes = 32;

    private readonly Entry?[] _slots;
    private readonly int _shift;

    /// <param name="slotBits">The cache holds 2^slotBits entries.</param>
    public Utf8StringCache(int slotBits = 13)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(slotBits is >= 4 and <= 20, true, nameof(slotBits));
        _slots = new Entry?[1 << slotBits];
        _shift = 64 - slotBits;
    }

    public bool TryGet(ReadOnlySpan<byte> utf8, out string value)
    {
        if (utf8.Length <= MaxKeyBytes && _slots[Slot(utf8)] is { } entry && utf8.SequenceEqual(entry.Key))
        {
            value = entry.Value;
            return true;
        }

        value = string.Empty;
        return false;
    }

    public void Add(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length <= MaxKeyBytes)
        {
            _slots[Slot(utf8)] = new Entry(utf8.ToArray(), value);
        }
    }

    // FNV-1a over the bytes, then a Fibonacci multiply so that the top bits, which pick the slot, depend on all of them.
    private int Slot(ReadOnlySpan<byte> utf8)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var b in utf8)
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            return (int)((hash * 11400714819323198485UL) >> _shift);
        }
    }

    private sealed record Entry(byte[] Key, string Value);
}
