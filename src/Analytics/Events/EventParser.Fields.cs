using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

// Reading an event's fields: one pass over an object's properties into Fields, chain contracts included.
public sealed partial class EventParser
{
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
        public TradeId Id;
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

    /// <summary>The properties the contract knows; anything else is ignored (docs/api.md "Events").</summary>
    private enum Property : byte
    {
        Unknown,
        Type,
        Ts,
        Underlying,
        Price,
        Size,
        Bid,
        Ask,
        Spot,
        Iv,
        Side,
        Exchange,
        Id,
        Conditions,
        Contracts,
        Expiry,
        Strike,
        Right,
        Contract,
        Oi,
    }

    /// <summary>
    /// Which property the reader is on: one length switch and one comparison, instead of comparing the name with every
    /// known one in turn. Escaped names are unescaped first, so <c>"t\u0079pe"</c> is <c>type</c>.
    /// </summary>
    private static Property PropertyOf(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? EscapedPropertyOf(ref reader) : PropertyNamed(reader.ValueSpan);

    private static Property EscapedPropertyOf(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[MaxShortString];
        return TryGetShortString(in reader, buffer, out var name) ? PropertyNamed(name) : Property.Unknown;
    }

    private static Property PropertyNamed(ReadOnlySpan<byte> name) =>
        name.Length switch
        {
            2 => name.SequenceEqual("ts"u8) ? Property.Ts
                : name.SequenceEqual("iv"u8) ? Property.Iv
                : name.SequenceEqual("id"u8) ? Property.Id
                : name.SequenceEqual("oi"u8) ? Property.Oi
                : Property.Unknown,
            3 => name.SequenceEqual("bid"u8) ? Property.Bid
                : name.SequenceEqual("ask"u8) ? Property.Ask
                : Property.Unknown,
            4 => name.SequenceEqual("type"u8) ? Property.Type
                : name.SequenceEqual("size"u8) ? Property.Size
                : name.SequenceEqual("spot"u8) ? Property.Spot
                : name.SequenceEqual("side"u8) ? Property.Side
                : Property.Unknown,
            5 => name.SequenceEqual("price"u8) ? Property.Price
                : name.SequenceEqual("right"u8) ? Property.Right
                : Property.Unknown,
            6 => name.SequenceEqual("expiry"u8) ? Property.Expiry
                : name.SequenceEqual("strike"u8) ? Property.Strike
                : Property.Unknown,
            8 => name.SequenceEqual("exchange"u8) ? Property.Exchange
                : name.SequenceEqual("contract"u8) ? Property.Contract
                : Property.Unknown,
            9 => name.SequenceEqual("contracts"u8) ? Property.Contracts : Property.Unknown,
            10 => name.SequenceEqual("underlying"u8) ? Property.Underlying
                : name.SequenceEqual("conditions"u8) ? Property.Conditions
                : Property.Unknown,
            _ => Property.Unknown,
        };

    private void ReadObject(ref Utf8JsonReader reader, ref Fields f)
    {
        f.Contract = Contract.Empty;
        f.Price = f.Size = f.Bid = f.Ask = f.Spot = f.Iv = double.NaN;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = PropertyOf(ref reader);
            reader.Read();
            switch (property)
            {
                case Property.Type: ReadType(ref reader, ref f); break;
                case Property.Ts: f.Ts = ReadTimestamp(ref reader, ref f.Error); break;
                case Property.Underlying: f.Underlying = ReadSymbol(ref reader, "underlying", ref f.Error); break;
                case Property.Price: f.Price = ReadNumber(ref reader, "price", ref f.Error); break;
                case Property.Size: f.Size = ReadNumber(ref reader, "size", ref f.Error); break;
                case Property.Bid: f.Bid = ReadNumber(ref reader, "bid", ref f.Error); break;
                case Property.Ask: f.Ask = ReadNumber(ref reader, "ask", ref f.Error); break;
                case Property.Spot: f.Spot = ReadNumber(ref reader, "spot", ref f.Error); break;
                case Property.Iv: f.Iv = ReadNumber(ref reader, "iv", ref f.Error); break;
                case Property.Side: f.Side = ReadSide(ref reader, ref f.Error); break;
                case Property.Exchange: f.Exchange = ReadExchange(ref reader, ref f.Error); break;
                case Property.Id: f.Id = ReadId(ref reader, ref f.Error); break;
                case Property.Conditions: f.Conditions = ReadConditions(ref reader, ref f.Error); break;
                case Property.Contracts:
                    f.HasContracts = true;
                    f.Contracts = ReadChainContracts(ref reader, ref f.Error);
                    break;
                default:
                    if (!TryReadContractField(ref reader, property, ref f.Contract, ref f.Error, inChain: false))
                    {
                        reader.Skip(); // unknown properties are ignored (docs/api.md "Events")
                    }

                    break;
            }
        }
    }

    /// <summary>Reads expiry / strike / right / contract (and in a chain entry oi / iv / bid / ask) when the property is one of them.</summary>
    private static bool TryReadContractField(ref Utf8JsonReader reader, Property property, ref Contract c, ref string? error, bool inChain)
    {
        switch (property)
        {
            case Property.Expiry:
                c.Expiry = ReadDate(ref reader, "expiry", ref error);
                return true;
            case Property.Strike:
                c.Strike = ReadNumber(ref reader, "strike", ref error);
                return true;
            case Property.Right:
                c.Right = ReadRight(ref reader, ref error);
                return true;
            case Property.Contract:
                c.Occ = ReadOcc(ref reader, ref error);
                return true;
            case Property.Oi when inChain:
                ReadOpenInterest(ref reader, ref c, ref error);
                return true;
            case Property.Iv when inChain:
                c.Iv = ReadNumber(ref reader, "iv", ref error);
                return true;
            case Property.Bid when inChain:
                c.Bid = ReadNumber(ref reader, "bid", ref error);
                return true;
            case Property.Ask when inChain:
                c.Ask = ReadNumber(ref reader, "ask", ref error);
                return true;
            default:
                return false;
        }
    }

    private static void ReadOpenInterest(ref Utf8JsonReader reader, ref Contract c, ref string? error)
    {
        var oi = ReadNumber(ref reader, "oi", ref error);
        if (double.IsNaN(oi))
        {
            return;
        }

        c.HasOi = true;
        if (oi < 0 || oi != Math.Floor(oi) || oi > EventLimits.MaxOpenInterest)
        {
            error ??= EventErrors.OpenInterest;
        }
        else
        {
            c.Oi = (long)oi;
        }
    }

    private List<ChainContract>? ReadChainContracts(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error ??= EventErrors.ContractsNotArray;
            reader.Skip();
            return null;
        }

        var list = new List<ChainContract>();
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= EventErrors.ContractNotObject(i);
                reader.Skip();
            }
            else
            {
                var c = Contract.Empty;
                string? itemError = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var property = PropertyOf(ref reader);
                    reader.Read();
                    if (!TryReadContractField(ref reader, property, ref c, ref itemError, inChain: true))
                    {
                        reader.Skip();
                    }
                }

                var contractError = ResolveContract(ref c, out var key);
                itemError ??= contractError
                    ?? (c.HasOi ? null : EventErrors.OiRequired)
                    ?? CheckPositive(c.Iv, "iv", EventLimits.MaxIv, required: false)
                    ?? CheckQuote(c.Bid, c.Ask);
                if (itemError is not null)
                {
                    error ??= EventErrors.InContract(i, itemError);
                }
                else if (error is null)
                {
                    list.Add(new ChainContract(key, c.Oi, c.Iv, c.Bid, c.Ask));
                }
            }

            if (++i > _options.MaxChainContracts)
            {
                error ??= EventErrors.TooManyContracts(_options.MaxChainContracts);
            }
        }

        if (i == 0)
        {
            error ??= EventErrors.ContractsEmpty;
        }

        return list;
    }
}
