using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

// Reading one value of a property: the type, rights, sides, symbols, exchanges, ids, OCC symbols, conditions
// (numbers: EventParser.Numbers.cs; timestamps and dates: EventParser.Dates.cs).
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
            : reader.ValueTextEquals("cancel"u8) ? MarketEventKind.Cancel
            : null;
        f.KindInvalid = f.Kind is null;
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
        if (raw && symbols.Underlyings.TryGet(reader.ValueSpan, out var seen))
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
                symbols.Underlyings.Add(reader.ValueSpan, symbol);
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
            if (symbols.Exchanges.TryGet(reader.ValueSpan, out var seen))
            {
                return seen;
            }

            if (Ascii.ToUtf16(reader.ValueSpan, chars, out var written) == OperationStatus.Done)
            {
                var code = symbols.Intern(chars[..written]);
                symbols.Exchanges.Add(reader.ValueSpan, code);
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

    private static TradeConditions ConditionFlag(ReadOnlySpan<byte> text) => TradeConditionNames.Parse(text);

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
