using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

// Reading one value of a property: numbers, timestamps, dates, rights, sides, symbols, OCC symbols, conditions.
public sealed partial class EventParser
{
    private static void ReadType(ref Utf8JsonReader reader, ref Fields f)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            f.KindInvalid = true;
            reader.Skip();
            return;
        }

        f.Kind = reader.ValueTextEquals("trade"u8) ? MarketEventKind.Trade
            : reader.ValueTextEquals("chain"u8) ? MarketEventKind.Chain
            : reader.ValueTextEquals("spot"u8) ? MarketEventKind.Spot
            : null;
        f.KindInvalid = f.Kind is null;
    }

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
        if (text.Length is < 20 or > 28 || text[^1] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T'
            || text[13] != ':' || text[16] != ':' || text[19] != (text.Length == 20 ? 'Z' : '.') || text.Length == 21)
        {
            return false;
        }

        var year = Digits(text, 0, 4);
        var month = Digits(text, 5, 2);
        var day = Digits(text, 8, 2);
        var hour = Digits(text, 11, 2);
        var minute = Digits(text, 14, 2);
        var second = Digits(text, 17, 2);
        var fraction = text.Length > 21 ? Digits(text, 20, text.Length - 21) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0)
        {
            return false; // a part has a byte that is not a digit
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        for (var i = text.Length - 21; i < 7; i++)
        {
            fraction *= 10;
        }

        var ticks = (new DateOnly(year, month, day).DayNumber * TimeSpan.TicksPerDay) + (((hour * 3600L) + (minute * 60) + second) * TimeSpan.TicksPerSecond) + fraction;
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

        if (!TryDigits(text[..4], out var y) || !TryDigits(text[5..7], out var m) || !TryDigits(text[8..], out var d))
        {
            return false;
        }

        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static OptionRight? ReadRight(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[8];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text))
        {
            if (Ascii.EqualsIgnoreCase(text, "C"u8) || Ascii.EqualsIgnoreCase(text, "call"u8))
            {
                return OptionRight.Call;
            }

            if (Ascii.EqualsIgnoreCase(text, "P"u8) || Ascii.EqualsIgnoreCase(text, "put"u8))
            {
                return OptionRight.Put;
            }
        }

        error ??= EventErrors.Right;
        reader.Skip();
        return null;
    }

    private static SideHint ReadSide(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return SideHint.None;
        }

        Span<byte> buffer = stackalloc byte[8];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text))
        {
            if (Ascii.EqualsIgnoreCase(text, "buy"u8))
            {
                return SideHint.Buy;
            }

            if (Ascii.EqualsIgnoreCase(text, "sell"u8))
            {
                return SideHint.Sell;
            }

            if (Ascii.EqualsIgnoreCase(text, "mid"u8))
            {
                return SideHint.Mid;
            }
        }

        error ??= EventErrors.Side;
        reader.Skip();
        return SideHint.None;
    }

    private string? ReadSymbol(ref Utf8JsonReader reader, string name, ref string? error)
    {
        var raw = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
        if (raw && _underlyings.TryGet(reader.ValueSpan, out var seen))
        {
            return seen;
        }

        Span<byte> buffer = stackalloc byte[MaxShortString];
        Span<char> chars = stackalloc char[MaxShortString];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text)
            && Ascii.ToUtf16(text, chars, out var written) == OperationStatus.Done
            && EventLimits.TryNormalizeSymbol(chars[..written], chars, out var length))
        {
            var symbol = symbols.Intern(chars[..length]);
            if (raw)
            {
                _underlyings.Add(reader.ValueSpan, symbol);
            }

            return symbol;
        }

        if (reader.TokenType != JsonTokenType.Null)
        {
            error ??= EventErrors.Symbol(name);
        }

        reader.Skip();
        return null;
    }

    /// <summary>An exchange code, interned: a code seen before allocates nothing.</summary>
    private string? ReadExchange(ref Utf8JsonReader reader, ref string? error)
    {
        Span<char> chars = stackalloc char[EventLimits.MaxExchangeLength];
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            if (_exchanges.TryGet(reader.ValueSpan, out var seen))
            {
                return seen;
            }

            if (Ascii.ToUtf16(reader.ValueSpan, chars, out var written) == OperationStatus.Done)
            {
                var code = symbols.Intern(chars[..written]);
                _exchanges.Add(reader.ValueSpan, code);
                return code;
            }
        }

        return ReadShortString(ref reader, "exchange", EventLimits.MaxExchangeLength, ref error) is { } exchange ? symbols.Intern(exchange) : null;
    }

    /// <summary>A print's id: up to <see cref="TradeId.InlineBytes"/> printable ASCII bytes are held without a string.</summary>
    private static TradeId ReadId(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TradeId.TryInline(reader.ValueSpan, out var inline))
        {
            return inline;
        }

        return TradeId.From(ReadShortString(ref reader, "id", EventLimits.MaxIdLength, ref error));
    }

    /// <summary>A string of at most <paramref name="maxLength"/> UTF-16 characters, or null (and an error when it is not one).</summary>
    private static string? ReadShortString(ref Utf8JsonReader reader, string name, int maxLength, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            error ??= EventErrors.NotString(name);
            reader.Skip();
            return null;
        }

        if (reader.ValueSpan.Length > maxLength * 6)
        {
            error ??= EventErrors.TooLong(name, maxLength);
            return null;
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            error ??= EventErrors.LoneSurrogate(name);
            return null;
        }

        if (value.Length > maxLength)
        {
            error ??= EventErrors.TooLong(name, maxLength);
            return null;
        }

        return value;
    }

    private static OptionKey? ReadOcc(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[MaxShortString];
        Span<char> chars = stackalloc char[MaxShortString];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text)
            && Ascii.ToUtf16(text, chars, out var written) == OperationStatus.Done)
        {
            if (OccSymbol.TryParse(chars[..written], out _, out var key, out var occError))
            {
                return key;
            }

            error ??= occError;
            return null;
        }

        error ??= EventErrors.Occ;
        reader.Skip();
        return null;
    }

    private static TradeConditions ReadConditions(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return TradeConditions.None;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error ??= EventErrors.Conditions;
            reader.Skip();
            return TradeConditions.None;
        }

        var flags = TradeConditions.None;
        var count = 0;
        Span<byte> buffer = stackalloc byte[MaxShortString];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > EventLimits.MaxConditions)
            {
                error ??= EventErrors.TooManyConditions;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                error ??= EventErrors.Conditions;
                reader.Skip();
                continue;
            }

            if (TryGetShortString(in reader, buffer, out var text))
            {
                flags |= ConditionFlag(text);
            }
        }

        return flags;
    }

    private static TradeConditions ConditionFlag(ReadOnlySpan<byte> text) =>
        Ascii.EqualsIgnoreCase(text, "sweep"u8) || Ascii.EqualsIgnoreCase(text, "isosweep"u8) || Ascii.EqualsIgnoreCase(text, "iso"u8) ? TradeConditions.Sweep
        : Ascii.EqualsIgnoreCase(text, "block"u8) ? TradeConditions.Block
        : Ascii.EqualsIgnoreCase(text, "split"u8) ? TradeConditions.Split
        : Ascii.EqualsIgnoreCase(text, "multileg"u8) || Ascii.EqualsIgnoreCase(text, "spread"u8) ? TradeConditions.MultiLeg
        : Ascii.EqualsIgnoreCase(text, "cross"u8) ? TradeConditions.Cross
        : Ascii.EqualsIgnoreCase(text, "auction"u8) ? TradeConditions.Auction
        : Ascii.EqualsIgnoreCase(text, "late"u8) ? TradeConditions.Late
        : Ascii.EqualsIgnoreCase(text, "floor"u8) ? TradeConditions.Floor
        : TradeConditions.None;

    /// <summary>The string value as UTF-8 without allocating: the raw span, or unescaped into the buffer.</summary>
    private static bool TryGetShortString(in Utf8JsonReader reader, Span<byte> buffer, out ReadOnlySpan<byte> value)
    {
        var raw = reader.ValueSpan;
        if (raw.Length > buffer.Length)
        {
            value = default;
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            value = raw;
            return true;
        }

        // Escapes that decode to invalid UTF-16 (a lone surrogate such as \ud800) make the reader throw.
        try
        {
            var written = reader.CopyString(buffer);
            value = buffer[..written];
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
