using static FlowFunctions.Analytics.Flow.Anomaly.FlowAnomalyStrategy;

namespace FlowFunctions.Analytics.Flow.Anomaly;

/// <summary>
/// The words of a flow-anomaly answer (docs/methodology.md §10, "Explanations"): <c>why</c>, <c>risk_flags</c> and
/// <c>avoid_if</c>. The rules: <c>why</c> leads with the measure and threshold that set the decision; a fact that
/// points against the read says so ("Against: …"); the score line names only the parts that contributed; no word of
/// probability, since none of these numbers is a calibrated probability; every risk flag says what it measured.
/// Thread-safe (stateless).
/// </summary>
internal static class FlowAnomalyExplanation
{
    public static List<string> Why(FlowTotals t, FlowBias bias, string decision, DataQuality quality, SpreadStructure? structure)
    {
        var why = new List<string>();
        var score = Score(t);
        if (decision == "insufficient_data")
        {
            why.Add(t.Prints < MinPrints
                ? Invariant($"Only {t.Prints} prints today; a read needs at least {MinPrints}.")
                : t.DirectionalPremiumCents == 0
                    ? "No directional premium today (every print at the mid or without a quote): nothing to read."
                    : "No option-chain baseline today: a read needs one.");
            return why;
        }

        var bullishShare = (double)t.BullishPremiumCents / (double)t.DirectionalPremiumCents;
        why.Add(bias == FlowBias.Neutral
            ? Invariant($"Neither side reaches {BiasThreshold:P0} of directional premium (bullish {bullishShare:P0}, bearish {1 - bullishShare:P0}): no tilt, so no setup.")
            : Invariant($"{(t.Bullish ? "Bullish premium (call buys + put sells)" : "Bearish premium (put buys + call sells)")} is {t.DominantShare:P0} of directional premium (${t.DominantPremiumCents / 100:N0}), at or above the {BiasThreshold:P0} that sets a {bias.WireName()} read."));
        if (bias != FlowBias.Neutral)
        {
            why.Add(decision == "candidate"
                ? Invariant($"Score {score} meets the {CandidateScore} a candidate needs, data quality {quality.Score} meets its {ActionableDataQuality}, and a spread expresses the read.")
                : score < CandidateScore
                    ? Invariant($"Score {score} is under the {CandidateScore} a candidate needs.")
                    : quality.Score < ActionableDataQuality
                        ? Invariant($"Data quality {quality.Score} is under the {ActionableDataQuality} a candidate needs.")
                        : "No spread could be built on the chosen expiry (see risk_flags).");
        }

        var (p, q, a) = ScoreParts(t);
        var parts = new List<string>();
        if (p > 0)
        {
            parts.Add(Invariant($"premium share {50 * p:0} of 50"));
        }

        if (q > 0)
        {
            parts.Add(Invariant($"volume share {30 * q:0} of 30"));
        }

        if (a > 0)
        {
            parts.Add(Invariant($"premium size {20 * a:0} of 20"));
        }

        why.Add(parts.Count == 0 ? Invariant($"Score {score}: no part of the score contributed.") : Invariant($"Score {score}: {string.Join(", ", parts)}."));

        if (t.CallVolume > 0 && t.PutVolume > 0)
        {
            var callsLead = t.CallVolume >= t.PutVolume;
            var fact = callsLead
                ? Invariant($"Call volume outweighs put volume by {(double)t.CallVolume / (double)t.PutVolume:0.00}x.")
                : Invariant($"Put volume outweighs call volume by {(double)t.PutVolume / (double)t.CallVolume:0.00}x.");
            why.Add(bias != FlowBias.Neutral && callsLead != t.Bullish ? "Against: " + fact : fact);
        }

        if (bias != FlowBias.Neutral && t.AlignedVolumeShare < 0.5)
        {
            why.Add(Invariant($"Against: only {t.AlignedVolumeShare:P0} of directional contracts are on the {bias.WireName()} side."));
        }

        if (t.TotalVolume > 0)
        {
            why.Add(Invariant($"The top 3 strikes carry {t.Top3StrikeShare:P0} of volume."));
        }

        return why;
    }

    public static List<RiskFlag> RiskFlags(FlowTotals t, FlowBias bias, DataQuality quality, SpreadStructure? structure)
    {
        var flags = new List<RiskFlag>();
        if (quality.Score < ActionableDataQuality)
        {
            flags.Add(new("high", "low_data_quality", Invariant($"Data quality is {quality.Score}/100, under {ActionableDataQuality}; see data_quality.warnings.")));
        }

        if (bias != FlowBias.Neutral && t.AlignedVolumeShare < 0.5)
        {
            flags.Add(new("high", "mixed_signals", Invariant($"Premium leans {bias.WireName()} ({t.DominantShare:P0} of directional premium) but only {t.AlignedVolumeShare:P0} of directional contracts do.")));
        }

        if (t.Top3StrikeShare > 0.6)
        {
            flags.Add(new("medium", "concentrated_flow", Invariant($"The top 3 strikes carry {t.Top3StrikeShare:P0} of volume (over 60%); a few large prints drive the tilt.")));
        }

        if (t.ZeroDteShare > 0.5)
        {
            flags.Add(new("medium", "zero_dte_heavy", Invariant($"{t.ZeroDteShare:P0} of volume is in today's expiry (over 50%); the tilt can reverse within hours.")));
        }

        if (structure is not null && structure.LiquidityScore < 0.5)
        {
            flags.Add(new("medium", "low_liquidity", Invariant($"Liquidity score {structure.LiquidityScore:0.00} of the proposed legs (under 0.50): half quote width against the mid, half open interest against 5,000.")));
        }

        if (bias != FlowBias.Neutral && structure is null)
        {
            flags.Add(new("low", "no_structure", "No quoted strikes on the chosen expiry with a delta near 0.25 and a further one near 0.12 to build the spread from."));
        }

        return flags;
    }

    public static List<string> AvoidIf(FlowBias bias) => bias switch
    {
        FlowBias.Bullish =>
        [
            "The volume imbalance fades intraday, or the flow turns from sweeps to blocks.",
            "The underlying trades down through the short put strike.",
        ],
        FlowBias.Bearish =>
        [
            "The volume imbalance fades intraday, or the flow turns from sweeps to blocks.",
            "The underlying trades up through the short call strike.",
        ],
        _ => ["Flow is two-sided; wait for a decisive tilt before acting."],
    };
}
