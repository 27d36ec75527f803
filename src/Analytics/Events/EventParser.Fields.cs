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
                    error ??= EventErrors.OpenInterest;
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
                    if (!TryReadContractField(ref reader, ref c, ref itemError, inChain: true))
                    {
                        reader.Read();
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
