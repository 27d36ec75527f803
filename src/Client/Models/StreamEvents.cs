using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>
/// One event of the live flow stream (<see cref="FlowFunctionsClient.StreamAsync"/>): its id, its name and its JSON. Durable events (<c>minute</c> with
/// <c>final: true</c>, <c>block</c>, <c>alert</c>) have ids of the form <c>yyyyMMdd.page.index</c>; a preview's id adds
/// <c>~n</c>. The control events are <c>ready</c>, <c>reset</c> (the id given was not in today's journal: refetch the REST
/// views), <c>slow</c> and <c>end</c> (the client reconnects by itself after these two).
/// </summary>
public sealed record FlowStreamEvent(string Id, string Event, JsonElement Data)
{
    /// <summary>Whether the event is written once to the journal and replayed on resume (final minutes, blocks, alerts).</summary>
    public bool IsDurable => Id.Length > 0 && !Id.Contains('~', StringComparison.Ordinal) && Event is "minute" or "block" or "alert";

    /// <summary>The event as a minute, or null when it is not one.</summary>
    public StreamMinute? AsMinute() => Event == "minute" ? Data.Deserialize(FlowFunctionsJsonContext.Default.StreamMinute) : null;

    /// <summary>The event as a block print, or null when it is not one.</summary>
    public StreamBlock? AsBlock() => Event == "block" ? Data.Deserialize(FlowFunctionsJsonContext.Default.StreamBlock) : null;

    /// <summary>The event as an alert, or null when it is not one.</summary>
    public StreamAlert? AsAlert() => Event == "alert" ? Data.Deserialize(FlowFunctionsJsonContext.Default.StreamAlert) : null;
}

/// <summary>
/// A symbol's minute: a preview while it builds (<see cref="Final"/> false), once final when it closes (5 s after it
/// ends), and final again, with <see cref="Revision"/> true, when a late print or a cancel changes it after it closed:
/// the latest final of a minute stands.
/// </summary>
/// <param name="Ts">The minute's start (UTC).</param>
/// <param name="Cumulative">Net volume since the trading day's first minute.</param>
/// <param name="Vwap">Σ price·size / Σ size; null without prints.</param>
/// <param name="NetPremium">Premium bought − sold, USD.</param>
public sealed record StreamMinute(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("netVolume")] long NetVolume,
    [property: JsonPropertyName("cumulative")] long Cumulative,
    [property: JsonPropertyName("vwap")] double? Vwap,
    [property: JsonPropertyName("tradeCount")] long TradeCount,
    [property: JsonPropertyName("buyVolume")] long BuyVolume,
    [property: JsonPropertyName("sellVolume")] long SellVolume,
    [property: JsonPropertyName("netPremium")] long NetPremium,
    [property: JsonPropertyName("final")] bool Final,
    [property: JsonPropertyName("revision")] bool Revision = false);

/// <summary>A print of at least 1,000 contracts or $250,000 of premium.</summary>
/// <param name="Contract">The OCC symbol.</param>
/// <param name="Right"><c>call</c> or <c>put</c>.</param>
/// <param name="Side"><c>buy</c>, <c>sell</c> or <c>mid</c> by the aggressor rule.</param>
/// <param name="Premium">price × size × 100, USD.</param>
/// <param name="DeltaDollars">Signed delta-dollars, USD; null without a spot or an implied volatility.</param>
/// <param name="TradeId">The feed's id of the print, when it gave one.</param>
public sealed record StreamBlock(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("contract")] string Contract,
    [property: JsonPropertyName("expiry")] DateOnly Expiry,
    [property: JsonPropertyName("strike")] double Strike,
    [property: JsonPropertyName("right")] string Right,
    [property: JsonPropertyName("side")] string Side,
    [property: JsonPropertyName("price")] double Price,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("premium")] long Premium,
    [property: JsonPropertyName("deltaDollars")] long? DeltaDollars,
    [property: JsonPropertyName("tradeId")] string? TradeId);

/// <summary>
/// A symbol's read changed at a minute's close: <see cref="Kind"/> <c>anomaly</c> (the score crossed
/// <see cref="Threshold"/>; <see cref="Before"/> and <see cref="After"/> are scores), <c>regime</c> (dealer gamma) or
/// <c>flow_direction</c> (before and after are names).
/// </summary>
/// <param name="Ts">The close (UTC).</param>
/// <param name="Score">The flow-anomaly score after the change.</param>
public sealed record StreamAlert(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("before")] JsonElement Before,
    [property: JsonPropertyName("after")] JsonElement After,
    [property: JsonPropertyName("threshold")] int? Threshold,
    [property: JsonPropertyName("score")] int Score);
