using System.Text.Json;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Writes events in the wire format of docs/api.md "Events", the inverse of <see cref="EventParser"/>: the simulator streams through
/// the same ingest path as real feeds, and dead letters can carry events in the format they arrived in.
/// Thread-safe (stateless).
/// </summary>
public static class EventJsonWriter
{
    /// <summary>One event of a batch, whatever its kind.</summary>
    public static void Write(Utf8JsonWriter w, EventBatch batch, EventRef e)
    {
        switch (e.Kind)
        {
            case MarketEventKind.Trade: Write(w, batch.Trades[e.Position]); break;
            case MarketEventKind.Spot: Write(w, batch.Spots[e.Position]); break;
            case MarketEventKind.Cancel: Write(w, batch.Cancels[e.Position]); break;
            default: Write(w, batch.Chains[e.Position]); break;
        }
    }

    /// <summary>Events [start, start + count) of a batch, in its order, as one JSON array: one ingest payload.</summary>
    public static byte[] WriteArray(EventBatch batch, int start, int count)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(count * 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            for (var i = start; i < start + count; i++)
            {
                Write(w, batch, batch.Order[i]);
            }

            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter w, in TradeEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "trade"u8);
        WriteTimestamp(w, e.Timestamp);
        w.WriteString("underlying"u8, e.Underlying);
        WriteContract(w, e.Contract);
        w.WriteNumber("price"u8, e.Price);
        w.WriteNumber("size"u8, e.Size);
        WriteOptional(w, "bid"u8, e.Bid);
        WriteOptional(w, "ask"u8, e.Ask);
        WriteOptional(w, "spot"u8, e.Spot);
        WriteOptional(w, "iv"u8, e.Iv);
        switch (e.Side)
        {
            case SideHint.Buy: w.WriteString("side"u8, "buy"u8); break;
            case SideHint.Sell: w.WriteString("side"u8, "sell"u8); break;
            case SideHint.Mid: w.WriteString("side"u8, "mid"u8); break;
        }

        if (e.Exchange is not null)
        {
            w.WriteString("exchange"u8, e.Exchange);
        }

        if (e.Conditions != TradeConditions.None)
        {
            w.WriteStartArray("conditions"u8);
            foreach (var flag in Enum.GetValues<TradeConditions>())
            {
                if (flag != TradeConditions.None && e.Conditions.HasFlag(flag))
                {
                    w.WriteStringValue(TradeConditionNames.Name(flag));
                }
            }

            w.WriteEndArray();
        }

        WriteId(w, e.Id);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, in CancelEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "cancel"u8);
        WriteTimestamp(w, e.Timestamp);
        w.WriteString("underlying"u8, e.Underlying);
        WriteContract(w, e.Contract);
        WriteId(w, e.Id);
        w.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter w, in TradeId tradeId)
    {
        Span<byte> id = stackalloc byte[TradeId.InlineBytes];
        if (tradeId.TryCopyInline(id, out var idLength))
        {
            w.WriteString("id"u8, id[..idLength]);
        }
        else if (!tradeId.IsNone)
        {
            w.WriteString("id"u8, tradeId.ToString());
        }
    }

    public static void Write(Utf8JsonWriter w, ChainEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "chain"u8);
        WriteTimestamp(w, e.Timestamp);
        w.WriteString("underlying"u8, e.Underlying);
        WriteOptional(w, "spot"u8, e.Spot);
        w.WriteStartArray("contracts"u8);
        foreach (var c in e.Contracts)
        {
            w.WriteStartObject();
            WriteContract(w, c.Contract);
            w.WriteNumber("oi"u8, c.OpenInterest);
            WriteOptional(w, "iv"u8, c.Iv);
            WriteOptional(w, "bid"u8, c.Bid);
            WriteOptional(w, "ask"u8, c.Ask);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, in SpotEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "spot"u8);
        WriteTimestamp(w, e.Timestamp);
        w.WriteString("underlying"u8, e.Underlying);
        w.WriteNumber("price"u8, e.Price);
        w.WriteEndObject();
    }

    private static void WriteContract(Utf8JsonWriter w, OptionKey key)
    {
        w.WriteString("expiry"u8, key.Expiry.ToString("yyyy-MM-dd"));
        w.WriteNumber("strike"u8, key.Strike);
        w.WriteString("right"u8, key.Right == OptionRight.Call ? "C"u8 : "P"u8);
    }

    private static void WriteTimestamp(Utf8JsonWriter w, DateTimeOffset ts)
    {
        Span<char> buffer = stackalloc char[32];
        ts.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-ddTHH:mm:ss.fffK");
        w.WriteString("ts"u8, buffer[..written]);
    }

    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, double value)
    {
        if (!double.IsNaN(value))
        {
            w.WriteNumber(name, value);
        }
    }
}
