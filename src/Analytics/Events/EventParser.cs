using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Parses and validates events (docs/api.md "Events") from UTF-8 JSON: one object, an array of objects, or several values one after
/// another (NDJSON, or one message per line). A bad event never spoils its neighbours: it becomes an
/// <see cref="EventRejection"/> with a reason a person understands, and parsing goes on. Malformed JSON is refused up
/// to the end of its line (one event per line in NDJSON) or, inside an array, up to the end of the input.
/// <para>Allocation-lean: a print whose symbol, exchange and conditions were seen before allocates nothing but its
/// optional <c>id</c>. Thread-safe if the <see cref="SymbolTable"/> is (it is); each call fills its own batch.</para>
/// </summary>
public sealed class EventParser(SymbolTable symbols, EventParserOptions? options = null)
{
    private const int MaxShortString = 64;
    private readonly EventParserOptions _options = options ?? EventParserOptions.Default;

    public EventBatch Parse(ReadOnlySpan<byte> utf8)
    {
        var batch = new EventBatch();
        Parse(utf8, batch);
        return batch;
    }

    /// <summary>Parses <paramref name="utf8"/> into <paramref name="batch"/>, appending to what it already holds.</summary>
    public void Parse(ReadOnlySpan<byte> utf8, EventBatch batch)
    {
        var index = 0;
        ParseFrom(utf8, utf8.StartsWith("\uFEFF"u8) ? 3 : 0, ref index, batch);
    }

    /// <summary>
    /// Parses several messages that share one buffer (an Event Hubs batch): each range of <paramref name="messages"/>
    /// holds one message (an event, an array of events, or NDJSON), parsed on its own so that malformed JSON costs its
    /// own message only. Event indexes run on across messages, and rejection offsets are offsets into
    /// <paramref name="utf8"/>. A message with nothing in it is refused as empty.
    /// </summary>
    public void Parse(ReadOnlySpan<byte> utf8, ReadOnlySpan<Range> messages, EventBatch batch)
    {
        var index = 0;
        foreach (var message in messages)
        {
            var (start, length) = message.GetOffsetAndLength(utf8.Length);
            var body = utf8[..(start + length)];
            if (SkipWhitespace(body, start) >= body.Length)
            {
                batch.Rejections.Add(new EventRejection(index++, "empty message: expected a JSON event or an array of events", start, length));
                continue;
            }

            ParseFrom(body, start, ref index, batch);
        }
    }

    /// <summary>Parses from <paramref name="pos"/> to the end of <paramref name="utf8"/>, numbering events from <paramref name="index"/>.</summary>
    private void ParseFrom(ReadOnlySpan<byte> utf8, int pos, ref int index, EventBatch batch)
    {
        var readerOptions = new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = _options.MaxDepth };
        while (true)
        {
            pos = SkipWhitespace(utf8, pos);
            if (pos >= utf8.Length)
            {
                return;
            }

            var reader = new Utf8JsonReader(utf8[pos..], readerOptions);
            var valueStart = pos;
            var insideArray = false;
            try
            {
                while (reader.Read())
                {
                    valueStart = pos + (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        insideArray = true;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            valueStart = pos + (int)reader.TokenStartIndex;
                            ReadOne(ref reader, pos, index, batch);
                            index++;

                            // Where the next element begins, should reading it throw before it has a token.
                            valueStart = pos + (int)reader.BytesConsumed;
                        }

                        insideArray = false;
                    }
                    else
                    {
                        ReadOne(ref reader, pos, index, batch);
                        index++;
                    }

                    // A value that is malformed from its first byte throws inside Read(), before it has a token: it
                    // starts after what the reader consumed, not at the last good value.
                    valueStart = SkipWhitespace(utf8, pos + (int)reader.BytesConsumed);
                }

                return;
            }
            catch (JsonException ex)
            {
                var errorAt = AbsoluteOffset(utf8, pos, ex);
                // NDJSON is one event per line: a bad value costs its own line only, even when what follows it
                // would have continued it as JSON (a truncated line followed by a good one).
                var resume = insideArray ? utf8.Length : NextLine(utf8, valueStart);
                var reason = insideArray
                    ? $"malformed JSON inside the array at byte {errorAt}; the rest of the array was not read"
                    : $"malformed JSON at byte {errorAt}: {Describe(ex)}";
                batch.Rejections.Add(new EventRejection(index++, reason, valueStart, resume - valueStart));
                pos = resume;
            }
        }
    }

    private void ReadOne(ref Utf8JsonReader reader, int basePos, int index, EventBatch batch)
    {
        var start = basePos + (int)reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            var end = basePos + (int)reader.BytesConsumed;
            batch.Rejections.Add(new EventRejection(index, "event must be a JSON object", start, end - start));
            return;
        }

        var fields = new Fields();
        ReadObject(ref reader, ref fields);
        var length = basePos + (int)reader.BytesConsumed - start;
        var error = fields.Error ?? Build(ref fields, batch);
        if (error is not null)
        {
            batch.Rejections.Add(new EventRejection(index, error, start, length));
        }
    }

    /// <summary>Everything an event object may carry, gathered before the type decides what is required.</summary>
    private ref struct Fields
    {
        public string? Error;
        public MarketEventKind? Kind;
        public bool KindInvalid;
        public DateTimeOffset? Ts;
        public string? Underlying;
        public Contract Contract;
        public double Price, Size, Bid, Ask, Spot, Iv;
        public SideHint Side;
        public string? Exchange;
        public TradeConditions Conditions;
        public string? Id;
        public List<ChainContract>? Contracts;
        public bool HasContracts;
    }

    /// <summary>The contract fields shared by trades and chain entries.</summary>
    private struct Contract
    {
        public OptionKey? Occ;
        public DateOnly? Expiry;
        public double Strike;
        public OptionRight? Right;
        public long Oi;
        public bool HasOi;
        public double Iv, Bid, Ask;

        public static Contract Empty => new() { Strike = double.NaN, Iv = double.NaN, Bid = double.NaN, Ask = double.NaN };
    }

    private void ReadObject(ref Utf8JsonReader reader, ref Fields f)
    {
        f.Contract = Contract.Empty;
        f.Price = f.Size = f.Bid = f.Ask = f.Spot = f.Iv = double.NaN;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                ReadType(ref reader, ref f);
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                f.Ts = ReadTimestamp(ref reader, ref f.Error);
            }
            else if (reader.ValueTextEquals("underlying"u8))
            {
                reader.Read();
                f.Underlying = ReadSymbol(ref reader, "underlying", ref f.Error);
            }
            else if (reader.ValueTextEquals("price"u8))
            {
                f.Price = ReadNumber(ref reader, "price", ref f.Error);
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                f.Size = ReadNumber(ref reader, "size", ref f.Error);
            }
            else if (reader.ValueTextEquals("bid"u8))
            {
                f.Bid = ReadNumber(ref reader, "bid", ref f.Error);
            }
            else if (reader.ValueTextEquals("ask"u8))
            {
                f.Ask = ReadNumber(ref reader, "ask", ref f.Error);
            }
            else if (reader.ValueTextEquals("spot"u8))
            {
                f.Spot = ReadNumber(ref reader, "spot", ref f.Error);
            }
            else if (reader.ValueTextEquals("iv"u8))
            {
                f.Iv = ReadNumber(ref reader, "iv", ref f.Error);
            }
            else if (reader.ValueTextEquals("side"u8))
            {
                reader.Read();
                f.Side = ReadSide(ref reader, ref f.Error);
            }
            else if (reader.ValueTextEquals("exchange"u8))
            {
                reader.Read();
                f.Exchange = ReadShortName(ref reader, "exchange", EventLimits.MaxExchangeLength, intern: true, ref f.Error);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                f.Id = ReadShortName(ref reader, "id", EventLimits.MaxIdLength, intern: false, ref f.Error);
            }
            else if (reader.ValueTextEquals("conditions"u8))
            {
                reader.Read();
                f.Conditions = ReadConditions(ref reader, ref f.Error);
            }
            else if (reader.ValueTextEquals("contracts"u8))
            {
                reader.Read();
                f.HasContracts = true;
                f.Contracts = ReadChainContracts(ref reader, ref f.Error);
            }
            else if (!TryReadContractField(ref reader, ref f.Contract, ref f.Error, inChain: false))
            {
                reader.Read();
                reader.Skip(); // unknown properties are ignored (docs/api.md "Events")
            }
        }
    }

    /// <summary>Reads expiry / strike / right / contract when the current property is one of them.</summary>
    private static bool TryReadContractField(ref Utf8JsonReader reader, ref Contract c, ref string? error, bool inChain)
    {
        if (reader.ValueTextEquals("expiry"u8))
        {
            reader.Read();
            c.Expiry = ReadDate(ref reader, "expiry", ref error);
        }
        else if (reader.ValueTextEquals("strike"u8))
        {
            c.Strike = ReadNumber(ref reader, "strike", ref error);
        }
        else if (reader.ValueTextEquals("right"u8))
        {
            reader.Read();
            c.Right = ReadRight(ref reader, ref error);
        }
        else if (reader.ValueTextEquals("contract"u8))
        {
            reader.Read();
            c.Occ = ReadOcc(ref reader, ref error);
        }
        else if (inChain && reader.ValueTextEquals("oi"u8))
        {
            var oi = ReadNumber(ref reader, "oi", ref error);
            if (!double.IsNaN(oi))
            {
                c.HasOi = true;
                if (oi < 0 || oi != Math.Floor(oi) || oi > EventLimits.MaxOpenInterest)
                {
                    error ??= $"oi must be a whole number from 0 to {EventLimits.MaxOpenInterest}";
                }
                else
                {
                    c.Oi = (long)oi;
                }
            }
        }
        else if (inChain && reader.ValueTextEquals("iv"u8))
        {
            c.Iv = ReadNumber(ref reader, "iv", ref error);
        }
        else if (inChain && reader.ValueTextEquals("bid"u8))
        {
            c.Bid = ReadNumber(ref reader, "bid", ref error);
        }
        else if (inChain && reader.ValueTextEquals("ask"u8))
        {
            c.Ask = ReadNumber(ref reader, "ask", ref error);
        }
        else
        {
            return false;
        }

        return true;
    }

    private string? Build(ref Fields f, EventBatch batch)
    {
        if (f.Kind is null)
        {
            return f.KindInvalid ? "type must be trade, chain or spot" : "type is required";
        }

        if (f.Ts is not { } ts)
        {
            return "ts is required";
        }

        if (_options.NotBefore is { } notBefore && ts < notBefore)
        {
            return $"ts {Iso(ts)} is before the accepted window, which starts at {Iso(notBefore)}";
        }

        if (_options.NotAfter is { } notAfter && ts > notAfter)
        {
            return $"ts {Iso(ts)} is after the accepted window, which ends at {Iso(notAfter)}";
        }

        if (f.Underlying is not { } underlying)
        {
            return "underlying is required";
        }

        switch (f.Kind)
        {
            case MarketEventKind.Trade:
                return BuildTrade(ref f, ts, underlying, batch);
            case MarketEventKind.Spot:
                if (CheckPositive(f.Price, "price", EventLimits.MaxSpot, required: true) is { } spotError)
                {
                    return spotError;
                }

                batch.Add(new SpotEvent(ts, underlying, f.Price));
                return null;
            default:
                return BuildChain(ref f, ts, underlying, batch);
        }
    }

    private static string? BuildTrade(ref Fields f, DateTimeOffset ts, string underlying, EventBatch batch)
    {
        if (ResolveContract(ref f.Contract, out var key) is { } contractError)
        {
            return contractError;
        }

        var tradeDate = NewYorkTime.TradingDate(ts);
        if (key.Expiry < tradeDate)
        {
            return $"expiry {key.Expiry:yyyy-MM-dd} is before the trade date {tradeDate:yyyy-MM-dd}";
        }

        if (key.Expiry > tradeDate.AddYears(EventLimits.MaxExpiryYears))
        {
            return $"expiry is more than {EventLimits.MaxExpiryYears} years after the trade date";
        }

        var error = CheckPositive(f.Price, "price", EventLimits.MaxPrice, required: true)
            ?? CheckSize(f.Size)
            ?? CheckQuote(f.Bid, f.Ask)
            ?? CheckPositive(f.Spot, "spot", EventLimits.MaxSpot, required: false)
            ?? CheckPositive(f.Iv, "iv", EventLimits.MaxIv, required: false);
        if (error is not null)
        {
            return error;
        }

        batch.Add(new TradeEvent(ts, underlying, key, f.Price, (int)f.Size, f.Bid, f.Ask, f.Spot, f.Iv, f.Side, f.Exchange, f.Conditions, f.Id));
        return null;
    }

    private static string? BuildChain(ref Fields f, DateTimeOffset ts, string underlying, EventBatch batch)
    {
        if (!f.HasContracts || f.Contracts is null)
        {
            return "contracts is required for a chain event";
        }

        if (CheckPositive(f.Spot, "spot", EventLimits.MaxSpot, required: false) is { } spotError)
        {
            return spotError;
        }

        batch.Add(new ChainEvent(ts, underlying, f.Spot, f.Contracts));
        return null;
    }

    private List<ChainContract>? ReadChainContracts(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error ??= "contracts must be an array of objects";
            reader.Skip();
            return null;
        }

        var list = new List<ChainContract>();
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= $"contracts[{i}] must be an object";
                reader.Skip();
            }
            else
            {
                var c = Contract.Empty;
                string? itemError = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!TryReadContractField(ref reader, ref c, ref itemError, inChain: true))
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                var contractError = ResolveContract(ref c, out var key);
                itemError ??= contractError
                    ?? (c.HasOi ? null : "oi is required")
                    ?? CheckPositive(c.Iv, "iv", EventLimits.MaxIv, required: false)
                    ?? CheckQuote(c.Bid, c.Ask);
                if (itemError is not null)
                {
                    error ??= $"contracts[{i}]: {itemError}";
                }
                else if (error is null)
                {
                    list.Add(new ChainContract(key, c.Oi, c.Iv, c.Bid, c.Ask));
                }
            }

            if (++i > _options.MaxChainContracts)
            {
                error ??= $"a chain event may carry at most {_options.MaxChainContracts} contracts";
            }
        }

        if (i == 0)
        {
            error ??= "contracts must not be empty";
        }

        return list;
    }

    private static string? ResolveContract(ref Contract c, out OptionKey key)
    {
        if (c.Occ is { } occ)
        {
            key = occ;
            return null;
        }

        key = default;
        if (c.Expiry is not { } expiry)
        {
            return "expiry is required (or give contract as an OCC symbol)";
        }

        if (double.IsNaN(c.Strike))
        {
            return "strike is required";
        }

        if (c.Right is not { } right)
        {
            return "right is required";
        }

        return OptionKey.TryCreate(expiry, c.Strike, right, out key)
            ? null
            : "strike must be a positive price of at most 99999.999 in steps of 0.001";
    }

    private static string? CheckPositive(double value, string name, double max, bool required)
    {
        if (double.IsNaN(value))
        {
            return required ? $"{name} is required" : null;
        }

        if (!(value > 0))
        {
            return $"{name} must be > 0";
        }

        return value > max ? $"{name} must be <= {max}" : null;
    }

    private static string? CheckSize(double size)
    {
        if (double.IsNaN(size))
        {
            return "size is required";
        }

        if (size < 1)
        {
            return "size must be >= 1";
        }

        if (size != Math.Floor(size))
        {
            return "size must be a whole number of contracts";
        }

        return size > EventLimits.MaxSize ? $"size must be <= {EventLimits.MaxSize}" : null;
    }

    private static string? CheckQuote(double bid, double ask)
    {
        if (!double.IsNaN(bid) && (bid < 0 || bid > EventLimits.MaxPrice))
        {
            return $"bid must be between 0 and {EventLimits.MaxPrice}";
        }

        if (!double.IsNaN(ask) && (ask < 0 || ask > EventLimits.MaxPrice))
        {
            return $"ask must be between 0 and {EventLimits.MaxPrice}";
        }

        return ask < bid ? "ask must be >= bid" : null;
    }

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
                error ??= $"{name} is out of range";
                return double.NaN;
            default:
                error ??= $"{name} must be a number";
                reader.Skip();
                return double.NaN;
        }
    }

    private static DateTimeOffset? ReadTimestamp(ref Utf8JsonReader reader, ref string? error)
    {
        const string Expected = "ts must be an ISO 8601 timestamp with an offset, such as 2026-06-05T18:44:03Z";
        if (reader.TokenType != JsonTokenType.String)
        {
            if (reader.TokenType != JsonTokenType.Null)
            {
                error ??= Expected;
            }

            reader.Skip();
            return null;
        }

        Span<byte> buffer = stackalloc byte[MaxShortString];
        if (!TryGetShortString(in reader, buffer, out var text) || !HasOffset(text) || !reader.TryGetDateTimeOffset(out var value))
        {
            error ??= Expected;
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

        error ??= $"{name} must be a date in yyyy-MM-dd form";
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

        error ??= "right must be C or P (or call or put)";
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

        error ??= "side must be buy, sell or mid";
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
            error ??= $"{name} must be 1-{EventLimits.MaxSymbolLength} characters of A-Z, 0-9, '.', '_' or '-'";
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
            error ??= $"{name} must be a string";
            reader.Skip();
            return null;
        }

        if (reader.ValueSpan.Length > maxLength * 6)
        {
            error ??= $"{name} must be at most {maxLength} characters";
            return null;
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            error ??= $"{name} is not valid text (an escape decodes to a lone surrogate)";
            return null;
        }

        if (value.Length > maxLength)
        {
            error ??= $"{name} must be at most {maxLength} characters";
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

        error ??= "contract must be an OCC option symbol such as SPY260619C00590000";
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
            error ??= "conditions must be an array of strings";
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
                error ??= $"conditions may hold at most {EventLimits.MaxConditions} entries";
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                error ??= "conditions must be an array of strings";
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

    private static int SkipWhitespace(ReadOnlySpan<byte> utf8, int pos)
    {
        while (pos < utf8.Length && utf8[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }

        return pos;
    }

    private static int NextLine(ReadOnlySpan<byte> utf8, int from)
    {
        if (from >= utf8.Length)
        {
            return utf8.Length;
        }

        var nl = utf8[from..].IndexOf((byte)'\n');
        return nl < 0 ? utf8.Length : from + nl + 1;
    }

    private static int AbsoluteOffset(ReadOnlySpan<byte> utf8, int basePos, JsonException ex)
    {
        var line = ex.LineNumber ?? 0;
        var pos = basePos;
        for (var i = 0; i < line && pos < utf8.Length; i++)
        {
            var nl = utf8[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return utf8.Length;
            }

            pos += nl + 1;
        }

        return (int)Math.Min(utf8.Length, pos + (ex.BytePositionInLine ?? 0));
    }

    /// <summary>
    /// The reader's message without its position suffix, at most <see cref="MaxDescribedChars"/> characters, control
    /// and replacement characters shown as '?': the reader quotes the offending token, which in hostile input can be
    /// kilobytes of binary (and the reason is stored with the batch's receipt and returned to the caller).
    /// </summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        message = (cut > 0 ? message[..cut] : message).TrimEnd(' ', '.');
        var shown = message.Length > MaxDescribedChars ? message[..MaxDescribedChars] + "…" : message;
        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsControl(c) || c == '\uFFFD' || char.IsSurrogate(c) ? '?' : c;
            }
        });
    }

    /// <summary>Longest description of a JSON syntax error kept in a rejection's reason.</summary>
    public const int MaxDescribedChars = 120;

    private static string Iso(DateTimeOffset ts) => ts.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'");
}
