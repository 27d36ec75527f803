using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>A contract's open interest as the simulator sees it: settled baseline, intraday delta, effective OI.</summary>
/// <param name="Baseline">Settled OI from the morning chain (0 for a contract the baseline did not list).</param>
/// <param name="Delta">Estimated intraday OI change, whole contracts, within −Baseline ≤ Delta ≤ the day's volume.</param>
/// <param name="Effective">Baseline + Delta (never negative).</param>
public readonly record struct OiEstimate(long Baseline, double Delta, double Effective)
{
    /// <summary>True when the effective OI differs from the baseline (docs/methodology.md §8 <c>contracts_with_flow</c>).</summary>
    public bool HasFlow => Effective != Baseline;
}

/// <summary>
/// The intraday open-interest estimate (docs/methodology.md §8). The only hard bounds are that a day cannot close
/// more than was open nor open more than it traded: −B ≤ ΔOI ≤ V. Inside them, ΔOI is estimated from three sums of the
/// day's prints, with coefficients fitted per days-to-expiry bucket on simulated seeds 1–50 (<see cref="OiModel"/>):
/// ΔOI = a·E + b·V + c·V·B/(V + B), E the expected buy-minus-sell contracts under the trade-sign model, V the volume,
/// B the baseline. The last term lets turnover on a thin baseline (0DTE round trips) count for less. The inputs are
/// sums, so the estimate does not depend on print order or on how a tape was split. Thread-safe (stateless).
/// </summary>
public static class OiSimulator
{
    public static OiEstimate Estimate(long baselineOi, in ContractDayFlow flow, int daysToExpiry)
    {
        var volume = (double)flow.Flow.TotalVolume;
        var c = OiModel.For(daysToExpiry);
        var raw = (c.Signed * flow.ExpectedSigned) + (c.Volume * volume) + (c.Turnover * Turnover(volume, baselineOi));
        var delta = Math.Clamp(Math.Round(raw, MidpointRounding.AwayFromZero), -baselineOi, volume);
        return new OiEstimate(baselineOi, delta, baselineOi + delta);
    }

    /// <summary>V·B/(V + B): about V when the baseline dwarfs the volume, about B when the volume dwarfs the baseline.</summary>
    public static double Turnover(double volume, long baselineOi) =>
        volume + baselineOi == 0 ? 0 : volume * baselineOi / (volume + baselineOi);
}

/// <summary>The coefficients of <see cref="OiSimulator"/> for one days-to-expiry bucket.</summary>
public readonly record struct OiCoefficients(double Signed, double Volume, double Turnover);
