using System.Buffers.Binary;
using System.Text;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// A print's <c>id</c> (docs/api.md "Events"), the feed's own identifier, unique per underlying and trading date. An id
/// of up to <see cref="InlineBytes"/> printable ASCII characters, the usual shape of a feed's sequence number, is
/// held inside the struct, so parsing a print allocates nothing for it; a longer or non-ASCII id is held as a string.
/// Equal ids compare equal whichever way they were made. An empty id is no id.
/// </summary>
public readonly struct TradeId : IEquatable<TradeId>
{
    /// <summary>The longest id held without a string.</summary>
    public const int InlineBytes = 16;

    // The id's bytes, zero-padded, little-endian: printable ASCII never contains a zero byte, so the padding marks
    // the end. Both are zero when the id is held as _text or there is none.
    private readonly ulong _head;
    private readonly ulong _tail;
    private readonly string? _text;

    private TradeId(ulong head, ulong tail, string? text)
    {
        _head = head;
        _tail = tail;
        _text = text;
    }

    public static TradeId None => default;

    public bool IsNone => _text is null && _head == 0;

    /// <summary>The id for a text; <see cref="None"/> for null or empty.</summary>
    public static TradeId From(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return None;
        }

        Span<byte> bytes = stackalloc byte[InlineBytes];
        if (text.Length <= InlineBytes && Ascii.FromUtf16(text, bytes, out var written) == System.Buffers.OperationStatus.Done
            && TryInline(bytes[..written], out var inline))
        {
            return inline;
        }

        return new TradeId(0, 0, text);
    }

    /// <summary>The id for UTF-8 text when it can be held inline (at most <see cref="InlineBytes"/> printable ASCII bytes).</summary>
    public static bool TryInline(ReadOnlySpan<byte> utf8, out TradeId id)
    {
        id = None;
        if (utf8.Length > InlineBytes)
        {
            return false;
        }

        ulong head = 0, tail = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }

            if (i < 8)
            {
                head |= (ulong)b << (8 * i);
            }
            else
            {
                tail |= (ulong)b << (8 * (i - 8));
            }
        }

        id = new TradeId(head, tail, null);
        return true;
    }

    /// <summary>Copies an inline id's bytes into <paramref name="destination"/>; false when the id is held as a string or is none.</summary>
    public bool TryCopyInline(Span<byte> destination, out int written)
    {
        written = 0;
        if (_text is not null || _head == 0 || destination.Length < InlineBytes)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, _head);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _tail);
        var zero = destination[..InlineBytes].IndexOf((byte)0);
        written = zero < 0 ? InlineBytes : zero;
        return true;
    }

    /// <summary>The id's text; empty for <see cref="None"/>.</summary>
    public override string ToString()
    {
        if (_text is not null)
        {
            return _text;
        }

        Span<byte> bytes = stackalloc byte[InlineBytes];
        return TryCopyInline(bytes, out var written) ? Encoding.ASCII.GetString(bytes[..written]) : string.Empty;
    }

    public bool Equals(TradeId other) => _head == other._head && _tail == other._tail && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is TradeId other && Equals(other);

    public override int GetHashCode() => _text is not null ? StringComparer.Ordinal.GetHashCode(_text) : HashCode.Combine(_head, _tail);

    public static bool operator ==(TradeId left, TradeId right) => left.Equals(right);

    public static bool operator !=(TradeId left, TradeId right) => !left.Equals(right);
}
