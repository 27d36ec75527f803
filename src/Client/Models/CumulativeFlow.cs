using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>Cumulative flow (<see cref="FlowFunctionsClient.GetCumulativeFlowAsync"/>; alpha plan): net contracts bought minute by minute and their running sum.</summary>
/// <param name="Minutes">The window used (clamped to 1–10,080).</param>
/// <param name="Count">Number of points.</param>
/// <param name="Points">One per minute with prints, oldest first.</param>
public sealed record CumulativeFlow(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("points")] IReadOnlyList<CumulativePoint> Points);

/// <param name="Ts">The minute's start (UTC).</param>
/// <param name="NetVolume">Buy − sell contracts in the minute.</param>
/// <param name="Cumulative">Running sum of <see cref="NetVolume"/> from the window's first point.</param>
/// <param name="Vwap">Σ price·size / Σ size over the minute's prints.</param>
/// <param name="TradeCount">Prints in the minute.</param>
public sealed record CumulativePoint(
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("netVolume")] long NetVolume,
    [property: JsonPropertyName("cumulative")] long Cumulative,
    [property: JsonPropertyName("vwap")] double Vwap,
    [property: JsonPropertyName("tradeCount")] long TradeCount);
