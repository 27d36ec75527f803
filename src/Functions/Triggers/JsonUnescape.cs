using System.Globalization;
using System.Text;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// The value of a JSON string that a <see cref="System.Text.Json.JsonDocument"/> has already validated, unescaped to
/// UTF-8: the host sends each Event Hubs message as a JSON string (an event's JSON with every quote escaped), and
/// reading it again with a <see cref="System.Text.Json.Utf8JsonReader"/> would validate every character a second time.
/// Runs without escapes are copied whole.
/// </summary>
internal static class JsonUnescape
{
    /// <summary>
    /// Writes the value of <paramref name="quoted"/> (the string's raw JSON, quotes included) into
    /// <paramref name="destination"/>, which must be at least as long; returns the bytes written.
    /// <see cref="InvalidOperationException"/> when a <c>\u</c> escape leaves a lone surrogate, as
    /// <see cref="System.Text.Json.JsonElement.GetString"/> does.
    /// </summary>
    public static int CopyValue(ReadOnlySpan<byte> quoted, Span<byte> destination)
    {
        var source = quoted[1..^1];
        var written = 0;
        while (true)
        {
            var escape = source.IndexOf((byte)'\\');
            var run = escape < 0 ? source : source[..escape];
            run.CopyTo(destination[written..]);
            written += run.Length;
            if (escape < 0)
            {
                return written;
            }

            var kind = source[escape + 1];
            source = source[(escape + 2)..];
            if (kind != 'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind, // \" \\ \/
                };
                continue;
            }

            int scalar = Hex(source[..4]);
            source = source[4..];
            if (char.IsHighSurrogate((char)scalar))
            {
                if (source.Length < 6 || source[0] != '\\' || source[1] != 'u' || !char.IsLowSurrogate((char)Hex(source.Slice(2, 4))))
                {
                    throw new InvalidOperationException("A JSON string holds a lone surrogate: it is not valid UTF-16.");
                }

                scalar = char.ConvertToUtf32((char)scalar, (char)Hex(source.Slice(2, 4)));
                source = source[6..];
            }
            else if (char.IsLowSurrogate((char)scalar))
            {
                throw new InvalidOperationException("A JSON string holds a lone surrogate: it is not valid UTF-16.");
            }

            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = (char)digits[i];
        }

        return int.Parse(chars, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
