using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Analytics.Flow;

/// <summary>Response of the cumulative-flow endpoint (docs/api.md; its route is declared once, in Functions/Api/Endpoints.cs).</summary>
public sealed record CumulativeFlowResponse(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("points")] IReadOnlyList<CumulativePoint> Points);

public sealed record CumulativePoint(
    [property: JsonPropertyName("ts")] DateTimeOffset Ts,
    [property: JsonPropertyName("netVolume")] long NetVolume,
    [property: JsonPropertyName("cumulative")] long Cumulative,
    [property: JsonPropertyName("vwap")] double Vwap,
    [property: JsonPropertyName("tradeCount")] long TradeCount);

/// <summary>
/// The cumulative series (docs/methodology.md §5): one point per minute bucket with prints, ascending; netVolume = buy − sell
/// contracts; cumulative = running sum from the window's first point; vwap = Σ price·size / Σ size over all prints of
/// the minute; tradeCount = prints in the minute. Thread-safe (stateless).
/// </summary>
public static class CumulativeFlow
{
    public const int DefaultMinutes = 240;
    public const int MaxMinutes = 10_080;

    public static int ClampMinutes(int minutes) => Math.Clamp(minutes, 1, MaxMinutes);

    /// <param name="symbol">Normalised symbol.</param>
    /// <param name="minutes">Effective (clamped) window.</param>
    /// <param name="buckets">The symbol's minute tallies inside the window, in any order.</param>
    public static CumulativeFlowResponse Build(string symbol, int minutes, IEnumerable<KeyValuePair<long, FlowTally>> buckets)
    {
        var ordered = new List<KeyValuePair<long, FlowTally>>();
        foreach (var b in buckets)
        {
            if (!b.Value.IsEmpty)
            {
                ordered.Add(b);
            }
        }

        ordered.Sort((a, b) => a.Key.CompareTo(b.Key));
        var points = new CumulativePoint[ordered.Count];
        Int128 running = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var t = ordered[i].Value;
            running += t.NetVolume;
            points[i] = new CumulativePoint(MinuteBucket.Start(ordered[i].Key), Rounding.Count(t.NetVolume), Rounding.Count(running), Rounding.Price(t.Vwap), t.TradeCount);
        }

        return new CumulativeFlowResponse(symbol, minutes, points.Length, points);
    }
}
