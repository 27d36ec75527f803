using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;

namespace FlowFunctions.Analytics.Streaming;

/// <summary>
/// The JSON bodies of the stream's events (docs/api.md "Live flow stream"), in the cumulative endpoint's camelCase.
/// Each is one line. Thread-safe (stateless).
/// </summary>
public static class StreamEvents
{
    /// <summary>
    /// A symbol's minute: the cumulative point's fields (<c>ts</c>, <c>netVolume</c>, <c>cumulative</c>, <c>vwap</c>,
    /// <c>tradeCount</c>; cumulative runs from the trading day's first minute), buy and sell volume, net premium in
    /// dollars, and whether the minute has closed. A <paramref name="revision"/> is a closed minute's final state again,
    /// after a late print or a cancel changed it (docs/api.md "Live flow stream", "Corrections").
    /// </summary>
    public static string Minute(string symbol, long minute, FlowTally tally, long cumulative, bool final, bool revision = false) => Write(w =>
    {
        w.WriteString("symbol", symbol);
        w.WriteString("ts", Utc(MinuteBucket.Start(minute), "yyyy-MM-ddTHH:mm:ssZ"));
        w.WriteNumber("netVolume", Rounding.Count(tally.NetVolume));
        w.WriteNumber("cumulative", cumulative);
        WriteNumberOrNull(w, "vwap", tally.Vwap);
        w.WriteNumber("tradeCount", tally.TradeCount);
        w.WriteNumber("buyVolume", Rounding.Count(tally.BuyVolume));
        w.WriteNumber("sellVolume", Rounding.Count(tally.SellVolume));
        w.WriteNumber("netPremium", Rounding.DollarsFromCents(tally.NetPremiumCents));
        w.WriteBoolean("final", final);
        if (revision)
        {
            w.WriteBoolean("revision", true);
        }
    });

    /// <summary>A block print (<see cref="BlockRule"/>).</summary>
    public static string Block(BlockPrint b) => Write(w =>
    {
        w.WriteString("symbol", b.Symbol);
        w.WriteString("ts", Utc(b.Timestamp, "yyyy-MM-ddTHH:mm:ss.fffZ"));
        w.WriteString("contract", b.Contract.ToOcc(b.Symbol));
        w.WriteString("expiry", b.Contract.Expiry.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("strike", b.Contract.Strike);
        w.WriteString("right", b.Contract.Right.Word());
        w.WriteString("side", b.Side);
        w.WriteNumber("price", b.Price);
        w.WriteNumber("size", b.Size);
        w.WriteNumber("premium", Rounding.DollarsFromCents(b.PremiumCents));
        if (b.DeltaDollars is { } delta)
        {
            w.WriteNumber("deltaDollars", delta);
        }
        else
        {
            w.WriteNull("deltaDollars");
        }

        if (b.TradeId is { Length: > 0 } id)
        {
            w.WriteString("tradeId", id);
        }
    });

    /// <summary>A change of a symbol's read (<see cref="AlertRule"/>): what changed, before and after, at the minute's close.</summary>
    public static string Alert(StreamAlert a) => Write(w =>
    {
        w.WriteString("symbol", a.Symbol);
        w.WriteString("ts", Utc(a.Timestamp, "yyyy-MM-ddTHH:mm:ssZ"));
        w.WriteString("kind", a.Kind);
        if (a.Kind == AlertRule.Anomaly)
        {
            w.WriteNumber("before", a.ScoreBefore);
            w.WriteNumber("after", a.ScoreAfter);
            w.WriteNumber("threshold", AlertRule.AnomalyThreshold);
        }
        else
        {
            w.WriteString("before", a.Before);
            w.WriteString("after", a.After);
        }

        w.WriteNumber("score", a.ScoreAfter);
    });

    private static string Utc(DateTimeOffset ts, string format) =>
        ts.UtcDateTime.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Rounding.Price(value));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
