using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

// Reading timestamps and dates: the common UTC form directly, other ISO 8601 forms through the reader.
public sealed partial class EventParser
{
    private static DateTimeOffset? ReadTimestamp(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            if (reader.TokenType != JsonTokenType.Null)
            {
                error ??= EventErrors.TsForm;
            }

            reader.Skip();
            return null;
        }

        Span<byte> buffer = stackalloc byte[MaxShortString];
        if (!TryGetShortString(in reader, buffer, out var text))
        {
            error ??= EventErrors.TsForm;
            return null;
        }

        if (TryParseUtc(text, out var utc))
        {
            return utc;
        }

        if (!HasOffset(text) || !reader.TryGetDateTimeOffset(out var value))
        {
            error ??= EventErrors.TsForm;
            return null;
        }

        return value.ToUniversalTime();
    }

    /// <summary>
    /// The common form <c>yyyy-MM-ddTHH:mm:ss[.f to .fffffff]Z</c>, read directly; false for anything else, which the
    /// reader's general ISO 8601 parser then decides. Accepts only what that parser accepts, with the same value.
    /// </summary>
    internal static bool TryParseUtc(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length is < 20 or > 28 || text[^1] != 'Z' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || text[19] != (text.Length == 20 ? 'Z' : '.') || text.Length == 21 || !TryParseDate(text[..10], out var date))
        {
            return false;
        }

        var hour = Digits(text, 11, 2);
        var minute = Digits(text, 14, 2);
        var second = Digits(text, 17, 2);
        var fraction = text.Length > 21 ? Digits(text, 20, text.Length - 21) : 0;
        if ((hour | minute | second | fraction) < 0 || hour > 23 || minute > 59 || second > 59)
        {
            return false; // a negative part has a byte that is not a digit
        }

        for (var i = text.Length - 21; i < 7; i++)
        {
            fraction *= 10;
        }

        var ticks = (date.DayNumber * TimeSpan.TicksPerDay) + (((hour * 3600L) + (minute * 60) + second) * TimeSpan.TicksPerSecond) + fraction;
        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>The decimal number in <paramref name="count"/> (at most 7) bytes from <paramref name="start"/>; negative when one is not a digit.</summary>
    private static int Digits(ReadOnlySpan<byte> text, int start, int count)
    {
        var value = 0;
        foreach (var b in text.Slice(start, count))
        {
            var digit = unchecked((uint)(b - '0'));
            if (digit > 9)
            {
                return int.MinValue;
            }

            value = (value * 10) + (int)digit;
        }

        return value;
    }

    /// <summary>True when an ISO 8601 text ends in <c>Z</c> or a ±hh:mm / ±hhmm offset after the time part.</summary>
    private static bool HasOffset(ReadOnlySpan<byte> text)
    {
        var t = text.IndexOfAny((byte)'T', (byte)'t');
        if (t < 0)
        {
            return false;
        }

        var time = text[(t + 1)..];
        return time.Length > 0 && (time[^1] is (byte)'Z' or (byte)'z' || time.IndexOfAny((byte)'+', (byte)'-') > 0);
    }

    private static DateOnly? ReadDate(ref Utf8JsonReader reader, string name, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[MaxShortString];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text) && TryParseDate(text, out var date))
        {
            return date;
        }

        error ??= EventErrors.DateForm(name);
        reader.Skip();
        return null;
    }

    /// <summary>Parses exactly <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        var y = Digits(text, 0, 4);
        var m = Digits(text, 5, 2);
        var d = Digits(text, 8, 2);
        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }
}
