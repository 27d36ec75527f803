using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>
/// Dealer-signed gamma exposure with its band, in dollars per 1 % move (docs/methodology.md §9, "Dealer gamma").
/// Positive when dealers are long gamma.
/// </summary>
/// <param name="Settled">The prior at the open: dealers long their share of call OI and short their share of put OI.</param>
/// <param name="P10">10th percentile of the estimate now.</param>
/// <param name="P50">The estimate now: the prior plus the other side of today's customer flow.</param>
/// <param name="P90">90th percentile.</param>
public readonly record struct DealerGammaBand(double Settled, double P10, double P50, double P90)
{
    /// <summary><c>long_gamma</c> when the whole band is above zero, <c>short_gamma</c> when below, else <c>uncertain</c>.</summary>
    public string Regime => P10 > 0 ? "long_gamma" : P90 < 0 ? "short_gamma" : "uncertain";

    /// <summary>True only when the band excludes zero on the other side of zero from the open's prior.</summary>
    public bool Flipped => (Settled > 0 && P90 < 0) || (Settled < 0 && P10 > 0);
}

/// <summary>
/// The dealer view practitioners use, beside the public pages' <c>live_gex</c> (calls +, puts −): per contract the
/// dealers' position is the prior share of the morning OI (long calls, short puts, <see cref="DealerModel.Share"/>)
/// less λ × the expected buy-minus-sell contracts of today's prints (dealers take the other side of customer flow;
/// λ, fitted, corrects for prints initiated by market makers and for E being drawn toward zero by uncertain signs).
/// The band's spread comes from the share's uncertainty (one share per name and right, so it moves all of a right's
/// contracts together) and from the signs' variance, scaled by a factor fitted so that the 10–90 band holds the
/// truth in 80 % of simulated symbol-minutes.
/// Thread-safe (stateless).
/// </summary>
public static class DealerGamma
{
    /// <summary>z of the 90th percentile of a normal distribution.</summary>
    public const double Z90 = 1.2815515655446004;

    public static DealerGammaBand Estimate(IReadOnlyList<ContractPosition> positions, double spot) =>
        Band(Sums(positions, spot), DealerModel.FlowScale, DealerModel.BandScale);

    /// <summary>The band from the chain's sums, for a given λ and band scale.</summary>
    public static DealerGammaBand Band(DealerGammaSums s, double flowScale, double bandScale)
    {
        var mean = s.Prior + (flowScale * s.Flow);
        var shareSd = DealerModel.ShareSd;
        var sd = bandScale * Math.Sqrt((shareSd * shareSd * ((s.CallPrior * s.CallPrior) + (s.PutPrior * s.PutPrior))) + (flowScale * flowScale * s.SignVariance));
        return new DealerGammaBand(s.Prior, mean - (Z90 * sd), mean, mean + (Z90 * sd));
    }

    /// <summary>
    /// Per chain, with g the gamma-dollars of one contract held (§4, at the request time): Σ g × prior position, Σ g ×
    /// (−E) (the other side of the tape, per unit λ), Σ g × B for calls and for puts, and Σ g² × the variance of E.
    /// </summary>
    public static DealerGammaSums Sums(IReadOnlyList<ContractPosition> positions, double spot)
    {
        double prior = 0, flow = 0, callPrior = 0, putPrior = 0, signVariance = 0;
        foreach (var p in positions)
        {
            if (!(p.Gamma > 0) || !(spot > 0))
            {
                continue;
            }

            var g = GammaDollars(p, spot);
            var call = p.Key.Right == OptionRight.Call;
            prior += g * DealerModel.Share * p.Oi.Baseline * (call ? 1 : -1);
            flow -= g * p.Flow.ExpectedSigned;
            if (call)
            {
                callPrior += g * p.Oi.Baseline;
            }
            else
            {
                putPrior += g * p.Oi.Baseline;
            }

            signVariance += g * g * ((double)p.Flow.SignVarianceMilli / 1000.0);
        }

        return new DealerGammaSums(prior, flow, callPrior, putPrior, signVariance);
    }

    /// <summary>Gamma-dollars per 1 % move of one contract held: the delta change over the move × 100 × S.</summary>
    public static double GammaDollars(in ContractPosition p, double spot) => p.Gamma > 0 ? p.Gamma * 100 * spot : 0;
}

/// <summary>What <see cref="DealerGamma"/> sums over a chain (see <see cref="DealerGamma.Sums"/>).</summary>
public readonly record struct DealerGammaSums(double Prior, double Flow, double CallPrior, double PutPrior, double SignVariance);

/// <summary>
/// The dealer view's constants. The prior (share 0.3, standard deviation 0.12) is an assumption stated in
/// docs/methodology.md §9; λ and the band's scale are written by <c>accuracy --fit</c> from simulated seeds 1–50.
/// </summary>
public static class DealerModel
{
    /// <summary>Prior share of the morning OI that dealers hold net: long calls, short puts.</summary>
    public const double Share = 0.3;

    /// <summary>The prior's standard deviation across names.</summary>
    public const double ShareSd = 0.12;

    /// <summary>λ: dealers' position change per expected buy-minus-sell contract of the tape.</summary>
    public const double FlowScale = 1.0606;

    /// <summary>Multiplies the band's standard deviation so that it covers 80 % of the truth on the fitting seeds.</summary>
    public const double BandScale = 0.9822;
}
