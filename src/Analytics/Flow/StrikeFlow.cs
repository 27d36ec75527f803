using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Analytics.Flow;

/// <summary>Response of the 0DTE strike-flow endpoint (docs/api.md; its route is declared once, in Functions/Api/Endpoints.cs).</summary>
public sealed record StrikeFlowResponse(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("underlying_price")] double? UnderlyingPrice,
    [property: JsonPropertyName("expiration")] DateOnly Expiration,
    [property: JsonPropertyName("bar_size")] string BarSize,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf,
    [property: JsonPropertyName("tier_used")] string TierUsed,
    [property: JsonPropertyName("strikes_grid")] IReadOnlyList<double> StrikesGrid,
    [property: JsonPropertyName("bars")] IReadOnlyList<StrikeFlowBar> Bars,
    [property: JsonPropertyName("gap_intervals")] IReadOnlyList<GapInterval> GapIntervals);

public sealed record StrikeFlowBar(
    [property: JsonPropertyName("t")] DateTimeOffset T,
    [property: JsonPropertyName("spot")] double? Spot,
    [property: JsonPropertyName("signed_delta_dollars")] IReadOnlyList<long> SignedDeltaDollars,
    [property: JsonPropertyName("signed_gamma_dollars")] IReadOnlyList<long> SignedGammaDollars,
    [property: JsonPropertyName("contracts")] IReadOnlyList<long> Contracts);

/// <summary>Reserved by the reference API for sampler gaps; always empty here.</summary>
public sealed record GapInterval(
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End);

/// <summary>
/// The 0DTE strike grid (docs/methodology.md §7): for today's expiry, one bar per minute with prints, ascending; per strike of
/// <c>strikes_grid</c> (every strike with flow in the window, ascending) Σ signed delta-dollars, Σ signed
/// gamma-dollars and Σ contracts of that minute; 0 where a strike had no flow in the bar. Thread-safe.
/// </summary>
public static class StrikeFlow
{
    public const int DefaultMinutes = 60;
    public const int MaxMinutes = 390;
    public const string OneMinute = "1m";

    public static int ClampMinutes(int minutes) => Math.Clamp(minutes, 1, MaxMinutes);

    /// <param name="cells">The symbol's 0DTE strike-minute aggregates inside the window, keyed (minute, strike × 1000).</param>
    /// <param name="underlyingPrice">Last known spot of the underlying; null when none.</param>
    public static StrikeFlowResponse Build(
        string symbol,
        DateOnly expiration,
        DateTimeOffset asOf,
        double? underlyingPrice,
        IEnumerable<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>> cells)
    {
        var minutes = new SortedDictionary<long, List<(int Strike, StrikeMinuteFlow Flow)>>();
        var strikes = new SortedSet<int>();
        foreach (var ((minute, strike), flow) in cells)
        {
            if (flow.IsEmpty)
            {
                continue;
            }

            if (!minutes.TryGetValue(minute, out var list))
            {
                minutes[minute] = list = [];
            }

            list.Add((strike, flow));
            strikes.Add(strike);
        }

        var grid = strikes.ToArray();
        var index = new Dictionary<int, int>(grid.Length);
        for (var i = 0; i < grid.Length; i++)
        {
            index[grid[i]] = i;
        }

        var bars = new List<StrikeFlowBar>(minutes.Count);
        foreach (var (minute, list) in minutes)
        {
            var delta = new long[grid.Length];
            var gamma = new long[grid.Length];
            var contracts = new long[grid.Length];
            var last = LastPrint.None;
            foreach (var (strike, flow) in list)
            {
                var i = index[strike];
                delta[i] = Rounding.DollarsFromCents(flow.SignedDeltaCents);
                gamma[i] = Rounding.DollarsFromCents(flow.SignedGammaCents);
                contracts[i] = Rounding.Count(flow.Contracts);
                last = LastPrint.Latest(last, flow.Last);
            }

            bars.Add(new StrikeFlowBar(MinuteBucket.Start(minute), PriceOrNull(last.Spot), delta, gamma, contracts));
        }

        var strikesGrid = Array.ConvertAll(grid, s => s / 1000.0);
        return new StrikeFlowResponse(symbol, underlyingPrice is { } p ? PriceOrNull(p) : null, expiration, OneMinute,
            Rounding.Seconds(asOf), "raw", strikesGrid, bars, []);
    }

    private static double? PriceOrNull(double spot) => spot > 0 ? Rounding.Price(spot) : null;
}
