using System.Globalization;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Flow.Anomaly;

/// <summary>
/// The flow-anomaly strategy (docs/methodology.md §10, docs/api.md): scores how one-sided today's directional option flow is and,
/// when it is decisive, proposes the short vertical on the side of the flow. Every threshold and weight is a named
/// constant here and a line in docs/methodology.md. Thread-safe (stateless).
/// </summary>
public static class FlowAnomalyStrategy
{
    public const string Name = "flow_anomaly";
    public const int CandidateScore = 70;
    public const int ActionableDataQuality = 70;
    public const int MinPrints = 25;
    public const double BiasThreshold = 0.55;
    public const double FullImbalanceShare = 0.80;
    public const double ActivityFloorUsd = 100_000;
    public const double ActivityFullUsd = 10_000_000;
    public const double StaleSpotMinutes = 15;

    // Data quality (docs/methodology.md §10): what each shortfall costs out of 100, and where it starts.
    public const int NoChainPenalty = 40;
    public const int NoOrStaleSpotPenalty = 20;
    public const int FewPrintsPenalty = 15;
    public const int FewPrints = 100;
    public const int UncertainSignPenalty = 15;
    public const double UncertainSign = 0.5;
    public const int MissingIvPenalty = 10;

    /// <summary>More than one contract in this many without an IV costs <see cref="MissingIvPenalty"/>.</summary>
    public const int MissingIvOneIn = 10;

    // The spread's expiry: the most traded expiry this many days out.
    public const int SpreadMinDays = 7;
    public const int SpreadMaxDays = 45;

    /// <summary>Sums over the chain that every part of the decision reads.</summary>
    internal sealed record FlowTotals(
        Int128 CallVolume,
        Int128 PutVolume,
        long CallOi,
        long PutOi,
        Int128 BullishPremiumCents,
        Int128 BearishPremiumCents,
        Int128 BullishVolume,
        Int128 BearishVolume,
        long Prints,
        double SignCertainty,
        double Top3StrikeShare,
        double ZeroDteShare,
        int ContractsWithoutIv,
        int Contracts)
    {
        public Int128 TotalVolume => CallVolume + PutVolume;

        public Int128 DirectionalPremiumCents => BullishPremiumCents + BearishPremiumCents;

        public bool Bullish => BullishPremiumCents >= BearishPremiumCents;

        public Int128 DominantPremiumCents => Int128.Max(BullishPremiumCents, BearishPremiumCents);

        /// <summary>Dominant side's share of directional premium, 0.5–1; NaN without directional premium.</summary>
        public double DominantShare => DirectionalPremiumCents == 0 ? double.NaN : (double)DominantPremiumCents / (double)DirectionalPremiumCents;

        /// <summary>Share of directional volume on the premium's side, 0–1; NaN without directional volume.</summary>
        public double AlignedVolumeShare
        {
            get
            {
                var total = BullishVolume + BearishVolume;
                return total == 0 ? double.NaN : (double)(Bullish ? BullishVolume : BearishVolume) / (double)total;
            }
        }
    }

    public static FlowAnomalyResponse Evaluate(ChainFlowInput input)
    {
        var positions = ChainFlow.Positions(input);
        var totals = Sum(positions, input.Today);
        var bias = Bias(totals);
        var tilted = bias != FlowBias.Neutral;
        var score = Score(totals);
        var confidence = Confidence(totals);
        var quality = Quality(input, totals);

        SpreadStructure? structure = null;
        if (tilted && input.Chain is not null)
        {
            structure = BestStructure(input, positions, bias == FlowBias.Bullish, score);
        }

        var insufficient = input.Chain is null || totals.Prints < MinPrints || totals.DirectionalPremiumCents == 0;
        var decision = insufficient ? "insufficient_data"
            : score >= CandidateScore && quality.Score >= ActionableDataQuality && tilted && structure is not null ? "candidate"
            : "no_setup";

        var metrics = new FlowAnomalyMetrics(
            bias.WireName(),
            totals.PutVolume == 0 ? null : Rounding.Ratio((double)totals.CallVolume / (double)totals.PutVolume),
            totals.PutOi == 0 ? null : Rounding.Ratio(totals.CallOi / (double)totals.PutOi),
            Rounding.Count(totals.TotalVolume),
            totals.CallOi + totals.PutOi,
            input.Spot > 0 ? Rounding.Price(input.Spot) : null,
            Rounding.DollarsFromCents(totals.DominantPremiumCents),
            double.IsNaN(totals.DominantShare) ? null : Rounding.Ratio(totals.DominantShare),
            totals.TotalVolume == 0 ? null : Rounding.Ratio(totals.Top3StrikeShare));

        return new FlowAnomalyResponse(
            Name,
            input.Symbol,
            Rounding.Seconds(input.Now),
            decision,
            score,
            Rounding.Ratio(confidence),
            bias switch { FlowBias.Bullish => "bullish_flow_imbalance", FlowBias.Bearish => "bearish_flow_imbalance", _ => "neutral_flow" },
            structure is null ? [] : [structure],
            metrics,
            FlowAnomalyExplanation.RiskFlags(totals, bias, quality, structure),
            FlowAnomalyExplanation.Why(totals, bias, decision, quality, structure),
            FlowAnomalyExplanation.AvoidIf(bias),
            quality);
    }

    /// <summary>
    /// Score 0–100 = 100 × (0.5·P + 0.3·Q + 0.2·A), rounded, where
    /// P = clamp((dominant premium share − 0.5) / 0.3, 0, 1),
    /// Q = clamp((directional volume share on the same side − 0.5) / 0.3, 0, 1),
    /// A = clamp(log10(dominant premium / $100,000) / 2, 0, 1).
    /// More flow on the dominant side, or less against it, never lowers any of the three.
    /// </summary>
    internal static int Score(FlowTotals t)
    {
        var (p, q, a) = ScoreParts(t);
        return (int)Math.Round(100 * ((0.5 * p) + (0.3 * q) + (0.2 * a)), MidpointRounding.AwayFromZero);
    }

    /// <summary>The score's three parts P, Q and A, each 0–1 (all 0 without directional premium).</summary>
    internal static (double Premium, double Volume, double Size) ScoreParts(FlowTotals t)
    {
        if (t.DirectionalPremiumCents == 0)
        {
            return (0, 0, 0);
        }

        var p = Ramp(t.DominantShare);
        var q = double.IsNaN(t.AlignedVolumeShare) ? 0 : Ramp(t.AlignedVolumeShare);
        var dominantUsd = (double)t.DominantPremiumCents / 100.0;
        var a = dominantUsd <= ActivityFloorUsd ? 0 : Math.Clamp(Math.Log10(dominantUsd / ActivityFloorUsd) / Math.Log10(ActivityFullUsd / ActivityFloorUsd), 0, 1);
        return (p, q, a);

        static double Ramp(double share) => Math.Clamp((share - 0.5) / (FullImbalanceShare - 0.5), 0, 1);
    }

    /// <summary>
    /// Confidence 0–1 = 0.4·min(1, prints / 500) + 0.3·(sign certainty: the volume-weighted mean of |2p − 1|, p each
    /// print's buy probability) + 0.3·clamp((aligned volume share − 0.4) / 0.2, 0, 1).
    /// </summary>
    internal static double Confidence(FlowTotals t)
    {
        if (t.Prints == 0)
        {
            return 0;
        }

        var sample = Math.Min(1, t.Prints / 500.0);
        var agreement = double.IsNaN(t.AlignedVolumeShare) ? 0 : Math.Clamp((t.AlignedVolumeShare - 0.4) / 0.2, 0, 1);
        return (0.4 * sample) + (0.3 * t.SignCertainty) + (0.3 * agreement);
    }

    internal static FlowBias Bias(FlowTotals t) =>
        double.IsNaN(t.DominantShare) || t.DominantShare < BiasThreshold ? FlowBias.Neutral : t.Bullish ? FlowBias.Bullish : FlowBias.Bearish;

    internal static FlowTotals Sum(IReadOnlyList<ContractPosition> positions, DateOnly today)
    {
        Int128 callVol = 0, putVol = 0, bullPrem = 0, bearPrem = 0, bullVol = 0, bearVol = 0, decisiveMilli = 0, zeroDteVolume = 0;
        long callOi = 0, putOi = 0, prints = 0;
        var withoutIv = 0;
        var byStrike = new Dictionary<int, Int128>();
        foreach (var p in positions)
        {
            var f = p.Flow.Flow;
            if (p.Key.Right == OptionRight.Call)
            {
                callVol += f.TotalVolume;
                callOi += p.Oi.Baseline;
                bullPrem += f.BuyPremiumCents;
                bearPrem += f.SellPremiumCents;
                bullVol += f.BuyVolume;
                bearVol += f.SellVolume;
            }
            else
            {
                putVol += f.TotalVolume;
                putOi += p.Oi.Baseline;
                bullPrem += f.SellPremiumCents;
                bearPrem += f.BuyPremiumCents;
                bullVol += f.SellVolume;
                bearVol += f.BuyVolume;
            }

            prints += f.TradeCount;
            decisiveMilli += p.Flow.DecisiveMilli;
            if (p.Key.Expiry == today)
            {
                zeroDteVolume += f.TotalVolume;
            }

            if (f.TotalVolume > 0)
            {
                byStrike[p.Key.StrikeMilli] = byStrike.GetValueOrDefault(p.Key.StrikeMilli) + f.TotalVolume;
            }

            if (!(p.Iv > 0))
            {
                withoutIv++;
            }
        }

        var total = callVol + putVol;
        var top3 = byStrike.Values.OrderDescending().Take(3).Aggregate(Int128.Zero, static (sum, v) => sum + v);
        return new FlowTotals(
            callVol, putVol, callOi, putOi, bullPrem, bearPrem, bullVol, bearVol, prints,
            callVol + putVol == 0 ? 0 : (double)decisiveMilli / (1000.0 * (double)(callVol + putVol)),
            total == 0 ? 0 : (double)top3 / (double)total,
            total == 0 ? 0 : (double)zeroDteVolume / (double)total,
            withoutIv,
            positions.Count);
    }

    /// <summary>
    /// Data quality 0–100: starts at 100 and loses 40 without a chain baseline, 20 for a missing or stale spot
    /// (older than 15 minutes), 15 for fewer than 100 prints, 15 when the sign certainty is under 0.5 (most volume's
    /// side is close to a coin flip), 10 when more than a tenth of the contracts have no IV.
    /// </summary>
    internal static DataQuality Quality(ChainFlowInput input, FlowTotals t)
    {
        var score = 100;
        var warnings = new List<string>();
        if (input.Chain is null)
        {
            score -= NoChainPenalty;
            warnings.Add("No option-chain baseline today: open-interest ratios and spread legs are unavailable.");
        }

        if (!(input.Spot > 0))
        {
            score -= NoOrStaleSpotPenalty;
            warnings.Add("No underlying price is known.");
        }
        else if (input.Now - input.SpotTimestamp > TimeSpan.FromMinutes(StaleSpotMinutes))
        {
            score -= NoOrStaleSpotPenalty;
            warnings.Add(Invariant($"Underlying price is {(input.Now - input.SpotTimestamp).TotalMinutes:0} minutes old."));
        }

        if (t.Prints < FewPrints)
        {
            score -= FewPrintsPenalty;
            warnings.Add(Invariant($"Only {t.Prints} prints today."));
        }

        if (t.Prints > 0 && t.SignCertainty < UncertainSign)
        {
            score -= UncertainSignPenalty;
            warnings.Add(Invariant($"The buy or sell side of most volume is uncertain (sign certainty {t.SignCertainty:0.00}, under 0.50): prints inside the spread, at the mid, or legs of multi-leg orders."));
        }

        if (t.Contracts > 0 && t.ContractsWithoutIv > t.Contracts / MissingIvOneIn)
        {
            score -= MissingIvPenalty;
            warnings.Add(Invariant($"{t.ContractsWithoutIv} of {t.Contracts} contracts have no implied volatility."));
        }

        return new DataQuality(Math.Max(0, score), warnings);
    }

    /// <summary>
    /// The expiry for the spread: the filter when given; else the expiry 7–45 days out with the most volume today
    /// (nearer on ties); else the nearest expiry at least a day out; else today's.
    /// </summary>
    internal static DateOnly? PickExpiry(ChainFlowInput input, IReadOnlyList<ContractPosition> positions)
    {
        if (input.Expiry is { } filter)
        {
            return filter;
        }

        var volumeByExpiry = new SortedDictionary<DateOnly, Int128>();
        foreach (var p in positions)
        {
            if (p.Listed)
            {
                volumeByExpiry[p.Key.Expiry] = volumeByExpiry.GetValueOrDefault(p.Key.Expiry) + p.Flow.Flow.TotalVolume;
            }
        }

        DateOnly? best = null;
        Int128 bestVolume = -1;
        foreach (var (expiry, volume) in volumeByExpiry)
        {
            var days = expiry.DayNumber - input.Today.DayNumber;
            if (days >= SpreadMinDays && days <= SpreadMaxDays && volume > bestVolume)
            {
                best = expiry;
                bestVolume = volume;
            }
        }

        return best
            ?? volumeByExpiry.Keys.Where(e => e > input.Today).Cast<DateOnly?>().FirstOrDefault()
            ?? volumeByExpiry.Keys.Cast<DateOnly?>().FirstOrDefault();
    }

    private static SpreadStructure? BestStructure(ChainFlowInput input, IReadOnlyList<ContractPosition> positions, bool bullish, int score)
    {
        if (PickExpiry(input, positions) is not { } expiry)
        {
            return null;
        }

        var right = bullish ? OptionRight.Put : OptionRight.Call;
        var candidates = new List<LegQuote>();
        foreach (var p in positions)
        {
            if (p.Listed && p.Key.Expiry == expiry && p.Key.Right == right && p.Quote.Mid > 0 && double.IsFinite(p.Delta))
            {
                candidates.Add(new LegQuote(p.Key.Strike, p.Delta, p.Quote.Mid, p.Quote.Bid, p.Quote.Ask, p.Oi.Baseline));
            }
        }

        if (VerticalSpread.PickLegs(right, candidates) is not { } legs)
        {
            return null;
        }

        var liquidity = (VerticalSpread.Liquidity(legs.Short) + VerticalSpread.Liquidity(legs.Long)) / 2;
        return VerticalSpread.Build(right, expiry, legs.Short, legs.Long, score, liquidity);
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Which way today's directional premium leans (docs/methodology.md §10): its share against <see cref="FlowAnomalyStrategy.BiasThreshold"/>.</summary>
public enum FlowBias
{
    Neutral,
    Bullish,
    Bearish,
}

/// <summary>The bias as the API writes it (<c>metrics.bias</c>) and as the explanations say it.</summary>
public static class FlowBiasNames
{
    public static string WireName(this FlowBias bias) => bias switch
    {
        FlowBias.Bullish => "bullish",
        FlowBias.Bearish => "bearish",
        _ => "neutral",
    };
}
