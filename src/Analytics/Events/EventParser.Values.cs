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
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return double.NaN;
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
        if (!TryGetShortString(in reader, buffer, out var text) || !HasOffset(text) || !reader.TryGetDateTimeOffset(out var value))
        {
            error ??= EventErrors.TsForm;
            return null;
        }

        return value.ToUniversalTime();
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
        Span<byte> buffer = stackalloc byte[MaxShortString];
        Span<char> chars = stackalloc char[MaxShortString];
        if (reader.TokenType == JsonTokenType.String && TryGetShortString(in reader, buffer, out var text)
            && Ascii.ToUtf16(text, chars, out var written) == OperationStatus.Done
            && EventLimits.TryNormalizeSymbol(chars[..written], chars, out var length))
        {
            return symbols.Intern(chars[..length]);
        }

        if (reader.TokenType != JsonTokenType.Null)
        {
            error ??= EventErrors.Symbol(name);
        }

        reader.Skip();
        return null;
    }

    private string? ReadShortName(ref Utf8JsonReader reader, string name, int maxLength, bool intern, ref string? error)
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

        return intern ? symbols.Intern(value) : value;
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
