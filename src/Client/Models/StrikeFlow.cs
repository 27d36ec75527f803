using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>0DTE strike flow (<see cref="FlowFunctionsClient.GetStrikeFlowAsync"/>; alpha plan): today's expiry, flow by strike and minute.</summary>
/// <param name="UnderlyingPrice">Last known spot; null when none is known.</param>
/// <param name="Expiration">Today's expiry (New York date).</param>
/// <param name="BarSize">Always <c>1m</c>.</param>
/// <param name="AsOf">When the answer was built (UTC).</param>
/// <param name="StrikesGrid">Strikes with flow in the window, ascending; every bar's arrays are aligned to it.</param>
/// <param name="Bars">One per minute with 0DTE prints, oldest first.</param>
/// <param name="GapIntervals">Reserved; always empty.</param>
public sealed record StrikeFlow(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("underlying_price")] double? UnderlyingPrice,
    [property: JsonPropertyName("expiration")] DateOnly Expiration,
    [property: JsonPropertyName("bar_size")] string BarSize,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf,
    [property: JsonPropertyName("tier_used")] string TierUsed,
    [property: JsonPropertyName("strikes_grid")] IReadOnlyList<double> StrikesGrid,
    [property: JsonPropertyName("bars")] IReadOnlyList<StrikeFlowBar> Bars,
    [property: JsonPropertyName("gap_intervals")] IReadOnlyList<GapInterval> GapIntervals);

/// <param name="T">The bar's start (UTC).</param>
/// <param name="Spot">Last underlying price in the bar.</param>
/// <param name="SignedDeltaDollars">Per strike: Σ sign·Δ·size·100·spot, USD (positive is bullish).</param>
/// <param name="SignedGammaDollars">Per strike: Σ sign·Γ·size·100·spot²·0.01, USD.</param>
/// <param name="Contracts">Per strike: contracts traded, mid prints included.</param>
public sealed record StrikeFlowBar(
    [property: JsonPropertyName("t")] DateTimeOffset T,
    [property: JsonPropertyName("spot")] double? Spot,
    [property: JsonPropertyName("signed_delta_dollars")] IReadOnlyList<long> SignedDeltaDollars,
    [property: JsonPropertyName("signed_gamma_dollars")] IReadOnlyList<long> SignedGammaDollars,
    [property: JsonPropertyName("contracts")] IReadOnlyList<long> Contracts);

/// <summary>Reserved for feed gaps; never sent today.</summary>
public sealed record GapInterval(
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End);
