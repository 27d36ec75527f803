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

    /// <summary>Sums over the chain that every part of the decision reads.</summary>
    internal sealed record FlowTotals(
        long CallVolume,
        long PutVolume,
        long CallOi,
        long PutOi,
        long BullishPremiumCents,
        long BearishPremiumCents,
        long BullishVolume,
        long BearishVolume,
        long Prints,
        double AggressiveShare,
        double Top3StrikeShare,
        double ZeroDteShare,
        int ContractsWithoutIv,
        int Contracts)
    {
        public long TotalVolume => CallVolume + PutVolume;

        public long DirectionalPremiumCents => BullishPremiumCents + BearishPremiumCents;

        public bool Bullish => BullishPremiumCents >= BearishPremiumCents;

        public long DominantPremiumCents => Math.Max(BullishPremiumCents, BearishPremiumCents);

        /// <summary>Dominant side's share of directional premium, 0.5–1; NaN without directional premium.</summary>
        public double DominantShare => DirectionalPremiumCents == 0 ? double.NaN : DominantPremiumCents / (double)DirectionalPremiumCents;

        /// <summary>Share of directional volume on the premium's side, 0–1; NaN without directional volume.</summary>
        public double AlignedVolumeShare
        {
            get
            {
                var total = BullishVolume + BearishVolume;
                return total == 0 ? double.NaN : (Bullish ? BullishVolume : BearishVolume) / (double)total;
            }
        }
    }

    public static FlowAnomalyResponse Evaluate(ChainFlowInput input)
    {
        var positions = ChainFlow.Positions(input);
        var totals = Sum(positions, input.Today);
        var bias = Bias(totals);
        var score = Score(totals);
        var confidence = Confidence(totals);
        var quality = Quality(input, totals);

        SpreadStructure? structure = null;
        if (bias != "neutral" && input.Chain is not null)
        {
            structure = BestStructure(input, positions, bias == "bullish", score);
        }

        var insufficient = input.Chain is null || totals.Prints < MinPrints || totals.DirectionalPremiumCents == 0;
        var decision = insufficient ? "insufficient_data"
            : score >= CandidateScore && quality.Score >= ActionableDataQuality && bias != "neutral" && structure is not null ? "candidate"
            : "no_setup";

        var metrics = new FlowAnomalyMetrics(
            bias,
            totals.PutVolume == 0 ? null : Rounding.Ratio(totals.CallVolume / (double)totals.PutVolume),
            totals.PutOi == 0 ? null : Rounding.Ratio(totals.CallOi / (double)totals.PutOi),
            totals.TotalVolume,
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
            bias switch { "bullish" => "bullish_flow_imbalance", "bearish" => "bearish_flow_imbalance", _ => "neutral_flow" },
            structure is null ? [] : [structure],
            metrics,
            RiskFlags(totals, bias, quality, structure),
            Why(totals, bias, score),
            AvoidIf(bias),
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
        if (t.DirectionalPremiumCents == 0)
        {
            return 0;
        }

        var p = Ramp(t.DominantShare);
        var q = double.IsNaN(t.AlignedVolumeShare) ? 0 : Ramp(t.AlignedVolumeShare);
        var dominantUsd = t.DominantPremiumCents / 100.0;
        var a = dominantUsd <= ActivityFloorUsd ? 0 : Math.Clamp(Math.Log10(dominantUsd / ActivityFloorUsd) / Math.Log10(ActivityFullUsd / ActivityFloorUsd), 0, 1);
        return (int)Math.Round(100 * ((0.5 * p) + (0.3 * q) + (0.2 * a)), MidpointRounding.AwayFromZero);

        static double Ramp(double share) => Math.Clamp((share - 0.5) / (FullImbalanceShare - 0.5), 0, 1);
    }

    /// <summary>
    /// Confidence 0–1 = 0.4·min(1, prints / 500) + 0.3·(share of directional volume at or through the quote)
    /// + 0.3·clamp((aligned volume share − 0.4) / 0.2, 0, 1).
    /// </summary>
    internal static double Confidence(FlowTotals t)
    {
        if (t.Prints == 0)
        {
            return 0;
        }

        var sample = Math.Min(1, t.Prints / 500.0);
        var agreement = double.IsNaN(t.AlignedVolumeShare) ? 0 : Math.Clamp((t.AlignedVolumeShare - 0.4) / 0.2, 0, 1);
        return (0.4 * sample) + (0.3 * t.AggressiveShare) + (0.3 * agreement);
    }

    internal static string Bias(FlowTotals t) =>
        double.IsNaN(t.DominantShare) || t.DominantShare < BiasThreshold ? "neutral" : t.Bullish ? "bullish" : "bearish";

    internal static FlowTotals Sum(IReadOnlyList<ContractPosition> positions, DateOnly today)
    {
        long callVol = 0, putVol = 0, callOi = 0, putOi = 0, bullPrem = 0, bearPrem = 0, bullVol = 0, bearVol = 0, prints = 0;
        long weightedHalves = 0, directionalVolume = 0, zeroDteVolume = 0;
        var withoutIv = 0;
        var byStrike = new Dictionary<int, long>();
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
            weightedHalves += p.Flow.WeightedBuyHalves + p.Flow.WeightedSellHalves;
            directionalVolume += f.BuyVolume + f.SellVolume;
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
        var top3 = byStrike.Values.OrderDescending().Take(3).Sum();
        return new FlowTotals(
            callVol, putVol, callOi, putOi, bullPrem, bearPrem, bullVol, bearVol, prints,
            directionalVolume == 0 ? 0 : weightedHalves / (2.0 * directionalVolume),
            total == 0 ? 0 : top3 / (double)total,
            total == 0 ? 0 : zeroDteVolume / (double)total,
            withoutIv,
            positions.Count);
    }

    /// <summary>
    /// Data quality 0–100: starts at 100 and loses 40 without a chain baseline, 20 for a missing or stale spot
    /// (older than 15 minutes), 15 for fewer than 100 prints, 15 when under half the directional volume traded at or
    /// through the quote, 10 when more than a tenth of the contracts have no IV.
    /// </summary>
    internal static DataQuality Quality(ChainFlowInput input, FlowTotals t)
    {
        var score = 100;
        var warnings = new List<string>();
        if (input.Chain is null)
        {
            score -= 40;
            warnings.Add("No option-chain baseline today: open-interest ratios and spread legs are unavailable.");
        }

        if (!(input.Spot > 0))
        {
            score -= 20;
            warnings.Add("No underlying price is known.");
        }
        else if (input.Now - input.SpotTimestamp > TimeSpan.FromMinutes(StaleSpotMinutes))
        {
            score -= 20;
            warnings.Add(Invariant($"Underlying price is {(input.Now - input.SpotTimestamp).TotalMinutes:0} minutes old."));
        }

        if (t.Prints < 100)
        {
            score -= 15;
            warnings.Add(Invariant($"Only {t.Prints} prints today."));
        }

        if (t.Prints > 0 && t.AggressiveShare < 0.5)
        {
            score -= 15;
            warnings.Add("Most directional volume traded inside the spread, so its aggressor side is uncertain.");
        }

        if (t.Contracts > 0 && t.ContractsWithoutIv > t.Contracts / 10)
        {
            score -= 10;
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

        var volumeByExpiry = new SortedDictionary<DateOnly, long>();
        foreach (var p in positions)
        {
            if (p.Listed)
            {
                volumeByExpiry[p.Key.Expiry] = volumeByExpiry.GetValueOrDefault(p.Key.Expiry) + p.Flow.Flow.TotalVolume;
            }
        }

        DateOnly? best = null;
        long bestVolume = -1;
        foreach (var (expiry, volume) in volumeByExpiry)
        {
            var days = expiry.DayNumber - input.Today.DayNumber;
            if (days is >= 7 and <= 45 && volume > bestVolume)
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

    private static List<RiskFlag> RiskFlags(FlowTotals t, string bias, DataQuality quality, SpreadStructure? structure)
    {
        var flags = new List<RiskFlag>();
        if (quality.Score < ActionableDataQuality)
        {
            flags.Add(new("high", "low_data_quality", Invariant($"Data quality is {quality.Score}/100; see data_quality.warnings.")));
        }

        if (bias != "neutral" && t.AlignedVolumeShare < 0.5)
        {
            flags.Add(new("high", "mixed_signals", "Premium and contract volume point in opposite directions."));
        }

        if (t.Top3StrikeShare > 0.6)
        {
            flags.Add(new("medium", "concentrated_flow", Invariant($"The top 3 strikes carry {t.Top3StrikeShare:P0} of volume; a few large prints drive the tilt.")));
        }

        if (t.ZeroDteShare > 0.5)
        {
            flags.Add(new("medium", "zero_dte_heavy", Invariant($"{t.ZeroDteShare:P0} of volume is in today's expiry; the tilt can reverse within hours.")));
        }

        if (structure is not null && structure.LiquidityScore < 0.5)
        {
            flags.Add(new("medium", "low_liquidity", "The proposed legs have wide quotes or little open interest."));
        }

        if (bias != "neutral" && structure is null)
        {
            flags.Add(new("low", "no_structure", "No quoted strikes near the target deltas to build the spread from."));
        }

        return flags;
    }

    private static List<string> Why(FlowTotals t, string bias, int score)
    {
        var why = new List<string>();
        if (t.CallVolume > 0 && t.PutVolume > 0)
        {
            why.Add(t.CallVolume >= t.PutVolume
                ? Invariant($"Call volume outweighs put volume by {t.CallVolume / (double)t.PutVolume:0.00}x.")
                : Invariant($"Put volume outweighs call volume by {t.PutVolume / (double)t.CallVolume:0.00}x."));
        }

        if (t.DirectionalPremiumCents > 0)
        {
            var side = t.Bullish ? "Bullish premium (call buys + put sells)" : "Bearish premium (put buys + call sells)";
            why.Add(Invariant($"{side} is {t.DominantShare:P0} of directional premium: ${t.DominantPremiumCents / 100:N0}."));
        }

        if (t.TotalVolume > 0)
        {
            why.Add(Invariant($"The top 3 strikes carry {t.Top3StrikeShare:P0} of volume."));
        }

        why.Add(bias == "neutral"
            ? Invariant($"Score {score}: flow is two-sided, no decisive tilt.")
            : Invariant($"Score {score}: {bias} tilt on premium, volume and size."));
        return why;
    }

    private static List<string> AvoidIf(string bias) => bias switch
    {
        "bullish" =>
        [
            "Volume imbalance fades intraday or flow turns from sweep-driven to block-driven.",
            "The underlying trades down through the short put strike.",
        ],
        "bearish" =>
        [
            "Volume imbalance fades intraday or flow turns from sweep-driven to block-driven.",
            "The underlying trades up through the short call strike.",
        ],
        _ => ["Flow is two-sided; wait for a decisive tilt before acting."],
    };

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
