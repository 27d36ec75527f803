using System.Buffers;
using System.Text;
using static FlowFunctions.Analytics.Events.FlatJsonTokens;

namespace FlowFunctions.Analytics.Events;

// The flat path: nearly every event on a feed is one flat object of plain strings, short decimals and nulls (with a
// list of plain conditions), alone or in an array of such objects. Those are read here straight from the bytes.
// Anything else (an escape, a byte outside printable ASCII, an exponent or a sign, nesting, a chain, a symbol or
// exchange not seen before, a value that will be refused) makes it give up with nothing added, and the reader's path
// (EventParser.Fields.cs) reads the value instead. So the flat path accepts only what the reader's path accepts, with
// the same result (EventParserFlatPathTests compares the two on every kind of input).
public sealed partial class EventParser
{
    /// <summary>Nesting the flat path reaches: an array of events, an event, its conditions.</summary>
    private const int FlatDepth = 3;

    /// <summary>
    /// Reads the value at <paramref name="pos"/> when it is a flat event object or a non-empty array of them, moving
    /// <paramref name="pos"/> past it; otherwise returns false with the batch and <paramref name="index"/> as they were.
    /// </summary>
    private bool TryReadFlat(ReadOnlySpan<byte> utf8, ref int pos, ref int index, EventBatch batch)
    {
        Fields fields;
        if (utf8[pos] == '{')
        {
            var end = pos;
            fields = default;
            if (!TryReadFlatObject(utf8, ref end, ref fields))
            {
                return false;
            }

            Finish(ref fields, pos, end, index++, batch);
            pos = end;
            return true;
        }

        if (utf8[pos] != '[')
        {
            return false;
        }

        var mark = batch.Mark();
        var first = index;
        var p = SkipWhitespace(utf8, pos + 1);
        while (p < utf8.Length && utf8[p] == '{')
        {
            var start = p;
            fields = default;
            if (!TryReadFlatObject(utf8, ref p, ref fields))
            {
                break;
            }

            Finish(ref fields, start, p, index++, batch);
            p = SkipWhitespace(utf8, p);
            if (p < utf8.Length && utf8[p] == ']')
            {
                pos = p + 1;
                return true;
            }

            if (p >= utf8.Length || utf8[p] != ',')
            {
                break;
            }

            p = SkipWhitespace(utf8, p + 1);
        }

        batch.RollBack(mark);
        index = first;
        return false;
    }

    private void Finish(ref Fields fields, int start, int end, int index, EventBatch batch)
    {
        if (Build(ref fields, batch) is { } error)
        {
            batch.Rejections.Add(new EventRejection(index, error, start, end - start));
        }
    }

    /// <summary>Reads the object at <paramref name="p"/> (its <c>{</c>) into <paramref name="f"/> and moves past its <c>}</c>.</summary>
    private bool TryReadFlatObject(ReadOnlySpan<byte> s, ref int p, ref Fields f)
    {
        f.Contract = Contract.Empty;
        f.Price = f.Size = f.Bid = f.Ask = f.Spot = f.Iv = double.NaN;
        p = SkipWhitespace(s, p + 1);
        if (p < s.Length && s[p] == '}')
        {
            p++;
            return true;
        }

        while (TryReadPlainString(s, ref p, out var name))
        {
            p = SkipWhitespace(s, p);
            if (p >= s.Length || s[p] != ':')
            {
                return false;
            }

            p = SkipWhitespace(s, p + 1);
            if (p >= s.Length || !TryReadFlatValue(s, ref p, PropertyNamed(name), ref f))
            {
                return false;
            }

            p = SkipWhitespace(s, p);
            if (p >= s.Length)
            {
                return false;
            }

            if (s[p] == '}')
            {
                p++;
                return true;
            }

            if (s[p] != ',')
            {
                return false;
            }

            p = SkipWhitespace(s, p + 1);
        }

        return false;
    }

    private bool TryReadFlatValue(ReadOnlySpan<byte> s, ref int p, Property property, ref Fields f)
    {
        switch (s[p])
        {
            case (byte)'"':
                return TryReadPlainString(s, ref p, out var text) && TryTakeString(property, text, ref f);
            case (byte)'n':
                return TryReadLiteral(s, ref p, "null"u8) && TryTakeNull(property, ref f);
            case (byte)'[':
                return property == Property.Conditions && TryReadFlatConditions(s, ref p, ref f);
            case (byte)'t':
                return property is Property.Unknown or Property.Oi && TryReadLiteral(s, ref p, "true"u8);
            case (byte)'f':
                return property is Property.Unknown or Property.Oi && TryReadLiteral(s, ref p, "false"u8);
            default:
                return TryReadPlainNumber(s, ref p, out var number) && TryTakeNumber(property, number, ref f);
        }
    }

    private bool TryTakeString(Property property, scoped ReadOnlySpan<byte> text, ref Fields f)
    {
        switch (property)
        {
            case Property.Type:
                f.Kind = text.SequenceEqual("trade"u8) ? MarketEventKind.Trade
                    : text.SequenceEqual("chain"u8) ? MarketEventKind.Chain
                    : text.SequenceEqual("spot"u8) ? MarketEventKind.Spot
                    : text.SequenceEqual("cancel"u8) ? MarketEventKind.Cancel
                    : null;
                f.KindInvalid = f.Kind is null;
                return true;
            case Property.Ts:
                if (!TryParseUtc(text, out var ts))
                {
                    return false;
                }

                f.Ts = ts;
                return true;
            case Property.Underlying:
                return symbols.Underlyings.TryGet(text, out f.Underlying);
            case Property.Exchange:
                return symbols.Exchanges.TryGet(text, out f.Exchange);
            case Property.Id:
                return TradeId.TryInline(text, out f.Id);
            case Property.Side:
                f.Side = Ascii.EqualsIgnoreCase(text, "buy"u8) ? SideHint.Buy
                    : Ascii.EqualsIgnoreCase(text, "sell"u8) ? SideHint.Sell
                    : Ascii.EqualsIgnoreCase(text, "mid"u8) ? SideHint.Mid
                    : SideHint.None;
                return f.Side != SideHint.None;
            case Property.Expiry:
                if (!TryParseDate(text, out var expiry))
                {
                    return false;
                }

                f.Contract.Expiry = expiry;
                return true;
            case Property.Right:
                f.Contract.Right = Ascii.EqualsIgnoreCase(text, "C"u8) || Ascii.EqualsIgnoreCase(text, "call"u8) ? OptionRight.Call
                    : Ascii.EqualsIgnoreCase(text, "P"u8) || Ascii.EqualsIgnoreCase(text, "put"u8) ? OptionRight.Put
                    : null;
                return f.Contract.Right is not null;
            case Property.Contract:
                return TryTakeOcc(text, ref f.Contract);
            case Property.Unknown or Property.Oi:
                return true;
            default:
                return false; // a string where a number or a list belongs: the reader's path words the refusal
        }
    }

    private static bool TryTakeOcc(ReadOnlySpan<byte> text, ref Contract contract)
    {
        Span<char> chars = stackalloc char[MaxShortString];
        if (text.Length > MaxShortString || Ascii.ToUtf16(text, chars, out var written) != OperationStatus.Done
            || !OccSymbol.TryParse(chars[..written], out _, out var key, out _))
        {
            return false;
        }

        contract.Occ = key;
        return true;
    }

    private static bool TryTakeNull(Property property, ref Fields f)
    {
        switch (property)
        {
            case Property.Ts: f.Ts = null; return true;
            case Property.Underlying: f.Underlying = null; return true;
            case Property.Price: f.Price = double.NaN; return true;
            case Property.Size: f.Size = double.NaN; return true;
            case Property.Bid: f.Bid = double.NaN; return true;
            case Property.Ask: f.Ask = double.NaN; return true;
            case Property.Spot: f.Spot = double.NaN; return true;
            case Property.Iv: f.Iv = double.NaN; return true;
            case Property.Side: f.Side = SideHint.None; return true;
            case Property.Exchange: f.Exchange = null; return true;
            case Property.Conditions: f.Conditions = TradeConditions.None; return true;
            case Property.Expiry: f.Contract.Expiry = null; return true;
            case Property.Strike: f.Contract.Strike = double.NaN; return true;
            case Property.Right: f.Contract.Right = null; return true;
            case Property.Contract: f.Contract.Occ = null; return true;
            case Property.Unknown or Property.Oi: return true;
            default: return false; // type, id, contracts
        }
    }

    private static bool TryTakeNumber(Property property, scoped ReadOnlySpan<byte> number, ref Fields f)
    {
        if (property is Property.Unknown or Property.Oi)
        {
            return true;
        }

        if (!TryParseShortDecimal(number, out var value))
        {
            return false;
        }

        switch (property)
        {
            case Property.Price: f.Price = value; return true;
            case Property.Size: f.Size = value; return true;
            case Property.Bid: f.Bid = value; return true;
            case Property.Ask: f.Ask = value; return true;
            case Property.Spot: f.Spot = value; return true;
            case Property.Iv: f.Iv = value; return true;
            case Property.Strike: f.Contract.Strike = value; return true;
            default: return false; // a number where a string belongs
        }
    }

    private static bool TryReadFlatConditions(ReadOnlySpan<byte> s, ref int p, ref Fields f)
    {
        var flags = TradeConditions.None;
        var count = 0;
        p = SkipWhitespace(s, p + 1);
        if (p < s.Length && s[p] == ']')
        {
            p++;
            f.Conditions = flags;
            return true;
        }

        while (TryReadPlainString(s, ref p, out var text))
        {
            if (++count > EventLimits.MaxConditions)
            {
                return false;
            }

            if (text.Length <= MaxShortString)
            {
                flags |= ConditionFlag(text);
            }

            p = SkipWhitespace(s, p);
            if (p >= s.Length)
            {
                return false;
            }

            if (s[p] == ']')
            {
                p++;
                f.Conditions = flags;
                return true;
            }

            if (s[p] != ',')
            {
                return false;
            }

            p = SkipWhitespace(s, p + 1);
        }

        return false;
    }
}
