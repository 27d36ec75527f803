using System.Buffers;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// The JSON tokens of the parser's flat path (EventParser.Flat.cs): whitespace, plain strings, plain numbers and
/// literals, each accepted only in the forms System.Text.Json's reader accepts, and only when what follows may end it.
/// A token it does not take is left for the reader. Stateless.
/// </summary>
internal static class FlatJsonTokens
{
    /// <summary>What a plain string may hold: printable ASCII except the quote and the backslash (so no escapes).</summary>
    private static readonly SearchValues<byte> PlainStringBytes = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('"' or '\\')).Select(b => (byte)b)]);

    /// <summary>The first position at or after <paramref name="pos"/> that is not JSON whitespace.</summary>
    public static int SkipWhitespace(ReadOnlySpan<byte> utf8, int pos)
    {
        while (pos < utf8.Length && utf8[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }

        return pos;
    }

    /// <summary>A string of <see cref="PlainStringBytes"/> at <paramref name="p"/>, without its quotes.</summary>
    public static bool TryReadPlainString(ReadOnlySpan<byte> s, ref int p, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (p >= s.Length || s[p] != '"')
        {
            return false;
        }

        var rest = s[(p + 1)..];
        var length = rest.IndexOfAnyExcept(PlainStringBytes);
        if (length < 0 || rest[length] != '"')
        {
            return false;
        }

        value = rest[..length];
        p += length + 2;
        return true;
    }

    /// <summary>A number of the form <c>0</c>, <c>123</c> or <c>12.5</c> (JSON's grammar without sign or exponent), followed by a delimiter.</summary>
    public static bool TryReadPlainNumber(ReadOnlySpan<byte> s, ref int p, out ReadOnlySpan<byte> number)
    {
        number = default;
        var start = p;
        if (s[p] == '0')
        {
            p++;
        }
        else
        {
            while (p < s.Length && IsDigit(s[p]))
            {
                p++;
            }

            if (p == start)
            {
                return false;
            }
        }

        if (p < s.Length && s[p] == '.')
        {
            var fraction = ++p;
            while (p < s.Length && IsDigit(s[p]))
            {
                p++;
            }

            if (p == fraction)
            {
                return false;
            }
        }

        if (!EndsToken(s, p))
        {
            return false;
        }

        number = s[start..p];
        return true;
    }

    public static bool TryReadLiteral(ReadOnlySpan<byte> s, ref int p, ReadOnlySpan<byte> literal)
    {
        if (!s[p..].StartsWith(literal) || !EndsToken(s, p + literal.Length))
        {
            return false;
        }

        p += literal.Length;
        return true;
    }

    public static bool IsDigit(byte b) => unchecked((uint)(b - '0')) <= 9;

    /// <summary>What may follow a number or a literal inside an object or array.</summary>
    public static bool EndsToken(ReadOnlySpan<byte> s, int p) =>
        p < s.Length && s[p] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)'}' or (byte)']';
}
