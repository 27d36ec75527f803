using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>A contract's open interest as the simulator sees it: settled baseline, intraday delta, effective OI.</summary>
/// <param name="Baseline">Settled OI from the morning chain (0 for a contract the baseline did not list).</param>
/// <param name="Delta">Unclamped intraday OI delta, in contracts (multiples of 0.5).</param>
/// <param name="Effective">max(0, Baseline + Delta).</param>
public readonly record struct OiEstimate(long Baseline, double Delta, double Effective)
{
    /// <summary>True when the effective OI differs from the baseline (docs/methodology.md §8 <c>contracts_with_flow</c>).</summary>
    public bool HasFlow => Effective != Baseline;
}

/// <summary>
/// The intraday open-interest model (docs/methodology.md §8), written out with a worked example in docs/methodology.md.
/// <list type="number">
/// <item>Each print contributes s × w × size: s = +1 for a customer buy (treated as opening), −1 for a customer
/// sell (treated as closing), 0 at the mid; w = the classification confidence (1 for a given side or a print at or
/// through the quote, ½ inside the spread, 0 at the mid or without a quote). D = the sum.</item>
/// <item>Opening floor: a contract can lose at most what was open, so when the day's volume V exceeds the baseline
/// B, at least V − B contracts must have opened: delta = max(D, V − B). Otherwise delta = D.</item>
/// <item>Effective OI = max(0, B + delta); the chain's <c>intraday_oi_delta</c> sums the unclamped deltas.</item>
/// </list>
/// The inputs are sums, so the estimate does not depend on print order or on how a tape was split. Thread-safe.
/// </summary>
public static class OiSimulator
{
    public static OiEstimate Estimate(long baselineOi, in ContractDayFlow flow)
    {
        var directional = (flow.WeightedBuyHalves - flow.WeightedSellHalves) / 2.0;
        var volume = flow.Flow.TotalVolume;
        var delta = volume > baselineOi ? Math.Max(directional, volume - baselineOi) : directional;
        return new OiEstimate(baselineOi, delta, Math.Max(0, baselineOi + delta));
    }
}
