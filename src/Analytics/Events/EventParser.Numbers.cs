using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

// Reading numbers: the short decimals of a typical event directly, anything else through the reader.
public sealed partial class EventParser
{
    /// <summary>Reads a number; NaN when the value is null. A wrong type records an error.</summary>
    private static double ReadNumber(ref Utf8JsonReader reader, string name, ref string? error)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return double.NaN;
            case JsonTokenType.Number when TryParseShortDecimal(reader.ValueSpan, out var simple):
                return simple;
            case JsonTokenType.Number when reader.TryGetDouble(out var value) && double.IsFinite(value):
                return value;
            case JsonTokenType.Number:
                error ??= EventErrors.OutOfRange(name);
                return double.NaN;
            default:
                error ??= EventErrors.NotANumber(name);
                reader.Skip();
                return double.NaN;
        }
    }

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// A non-negative decimal without exponent and with at most 15 digits, such as <c>590.42</c>, read directly: its
    /// digits and its power of ten are both exact doubles, so one division gives the correctly rounded value, the same
    /// one the reader's general parser gives. False for anything else, which that parser then reads.
    /// </summary>
    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        ulong digits = 0;
        var count = 0;
        var scale = -1;
        foreach (var b in number)
        {
            var digit = unchecked((uint)(b - '0'));
            if (digit <= 9)
            {
                if (++count > 15)
                {
                    return false;
                }

                digits = (digits * 10) + digit;
            }
            else if (b == '.' && scale < 0)
            {
                scale = count;
            }
            else
            {
                return false;
            }
        }

        value = scale < 0 ? digits : digits / PowersOfTen[count - scale];
        return count > 0;
    }
}
