using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>One contract-day: what the estimate reads, what the old rule said, and the truth.</summary>
/// <param name="Signed">Expected buy-minus-sell contracts under a sign table.</param>
/// <param name="Estimate">This build's estimate (OiSimulator, through the fold), when scored.</param>
/// <param name="RuleDelta">The withdrawn rule: D = Σ s·w·size, raised to V − B when V > B.</param>
/// <param name="Gamma">Gamma-dollars of one contract for a 1 % move (§4) at the morning chain's spot and IV: what an error of
/// one contract in its open interest moves GEX by. 0 without a chain IV.</param>
internal readonly record struct OiSample(int Dte, long Baseline, long Volume, double Signed, double Estimate, double RuleDelta, long TrueDelta, double Gamma = 0)
{
    public int Bucket => OiModel.Bucket(Dte);
}

internal static class OiSamples
{
    /// <summary>
    /// Every contract that traded on the day. The features come from the prints with <paramref name="table"/>; the
    /// estimate from this build's fold and <see cref="OiSimulator"/>, the path the API takes.
    /// </summary>
    public static List<OiSample> From(AccuracyDay day, ReadOnlySpan<ushort> table)
    {
        var sums = new Dictionary<(string, OptionKey), (long Volume, long SignedMilli, long RuleHalves)>();
        foreach (var t in day.Tape.Trades)
        {
            var q = table[SignFeatures.Of(t.Price, t.Bid, t.Ask, t.Size, t.Conditions).Cell];
            var rule = AggressorClassifier.Classify(t.Price, t.Bid, t.Ask, t.Side);
            var s = sums.GetValueOrDefault((t.Underlying, t.Contract));
            sums[(t.Underlying, t.Contract)] = (s.Volume + t.Size, s.SignedMilli + (((2L * q) - 1000) * t.Size), s.RuleHalves + ((long)rule.Sign * rule.ConfidenceHalves * t.Size));
        }

        // Each contract's gamma-dollars at the morning chain (the first chain event of each name).
        var gamma = new Dictionary<(string, OptionKey), double>();
        foreach (var chain in day.Tape.Chains.GroupBy(c => c.Underlying).Select(g => g.First()))
        {
            foreach (var c in chain.Contracts)
            {
                if (c.Iv > 0)
                {
                    var years = TimeToExpiry.Years(chain.Timestamp, c.Contract.Expiry);
                    gamma[(chain.Underlying, c.Contract)] = GammaMove.DollarsPerContract(c.Contract.Right, chain.Spot, c.Contract.Strike, years, c.Iv, PricingParameters.Default);
                }
            }
        }

        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(day.Tape, new MarketState());
        var samples = new List<OiSample>(sums.Count);
        foreach (var ((symbol, contract), s) in sums)
        {
            var truth = day.Truth.Contracts[(symbol, contract)];
            var baseline = truth.BaselineOi;
            var dte = contract.Expiry.DayNumber - day.TradingDate.DayNumber;
            var estimate = OiSimulator.Estimate(baseline, fold.Contracts[new ContractDay(symbol, day.TradingDate, contract)], dte).Delta;
            var d = s.RuleHalves / 2.0;
            var rule = s.Volume > baseline ? Math.Max(d, s.Volume - baseline) : d;
            samples.Add(new OiSample(dte, baseline, s.Volume, s.SignedMilli / 1000.0, estimate, rule, truth.CloseOi - baseline, gamma.GetValueOrDefault((symbol, contract))));
        }

        return samples;
    }
}

/// <summary>
/// Fits <see cref="OiModel"/>'s coefficients per days-to-expiry bucket: the three coefficients that minimise the
/// volume-weighted absolute error Σ V·|a·E + b·V + c·T − ΔOI| (iteratively reweighted least squares), T the
/// turnover term of <see cref="OiSimulator.Turnover"/>.
/// </summary>
internal static class OiFit
{
    public static OiCoefficients[] Fit(IReadOnlyList<OiSample> samples)
    {
        var result = new OiCoefficients[4];
        for (var bucket = 0; bucket < result.Length; bucket++)
        {
            var rows = samples.Where(s => s.Bucket == bucket && s.Volume > 0).ToArray();
            var beta = new double[3];
            var weights = rows.Select(r => (double)r.Volume).ToArray();
            for (var iteration = 0; iteration < 40; iteration++)
            {
                beta = Solve(rows, weights);
                for (var i = 0; i < rows.Length; i++)
                {
                    var residual = Math.Abs(Predict(beta, rows[i]) - rows[i].TrueDelta);
                    weights[i] = rows[i].Volume / Math.Max(residual, 1);
                }
            }

            result[bucket] = new OiCoefficients(Round(beta[0]), Round(beta[1]), Round(beta[2]));
        }

        return result;

        static double Round(double x) => Math.Round(x, 4, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The baseline fitted as carefully as the model: ΔOI = clamp(round(b·V), −B, V) with one b per days-to-expiry
    /// bucket, the b minimising the volume-weighted absolute error Σ V·|b·V − ΔOI| = Σ V²·|b − ΔOI/V|: the median of
    /// ΔOI/V weighted by V² (exact, no iteration).
    /// </summary>
    public static double[] FitVolumeOnly(IReadOnlyList<OiSample> samples)
    {
        var result = new double[4];
        for (var bucket = 0; bucket < result.Length; bucket++)
        {
            var rows = samples.Where(s => s.Bucket == bucket && s.Volume > 0)
                .Select(s => (Ratio: s.TrueDelta / (double)s.Volume, Weight: (double)s.Volume * s.Volume))
                .OrderBy(r => r.Ratio)
                .ToArray();
            var half = rows.Sum(r => r.Weight) / 2;
            var cumulative = 0.0;
            foreach (var (ratio, weight) in rows)
            {
                cumulative += weight;
                if (cumulative >= half)
                {
                    result[bucket] = Math.Round(ratio, 4, MidpointRounding.AwayFromZero);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The fitted b·V baseline's ΔOI for a sample, inside the hard bounds as the model's is.</summary>
    public static double VolumeOnly(double[] b, in OiSample s) =>
        Math.Clamp(Math.Round(b[s.Bucket] * s.Volume, MidpointRounding.AwayFromZero), -s.Baseline, s.Volume);

    private static double[] Features(in OiSample s) => [s.Signed, s.Volume, OiSimulator.Turnover(s.Volume, s.Baseline)];

    private static double Predict(double[] beta, in OiSample s)
    {
        var x = Features(s);
        return (beta[0] * x[0]) + (beta[1] * x[1]) + (beta[2] * x[2]);
    }

    /// <summary>Weighted least squares by the normal equations (3 × 3, Gaussian elimination with pivoting).</summary>
    private static double[] Solve(OiSample[] rows, double[] weights)
    {
        var a = new double[3, 4];
        for (var i = 0; i < rows.Length; i++)
        {
            var x = Features(rows[i]);
            for (var r = 0; r < 3; r++)
            {
                for (var c = 0; c < 3; c++)
                {
                    a[r, c] += weights[i] * x[r] * x[c];
                }

                a[r, 3] += weights[i] * x[r] * rows[i].TrueDelta;
            }
        }

        for (var col = 0; col < 3; col++)
        {
            var pivot = Enumerable.Range(col, 3 - col).MaxBy(r => Math.Abs(a[r, col]));
            for (var c = 0; c < 4; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            for (var r = 0; r < 3; r++)
            {
                if (r != col && a[col, col] != 0)
                {
                    var f = a[r, col] / a[col, col];
                    for (var c = col; c < 4; c++)
                    {
                        a[r, c] -= f * a[col, c];
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, 3).Select(r => a[r, r] == 0 ? 0 : a[r, 3] / a[r, r])];
    }
}

/// <summary>Volume-weighted mean absolute error of ΔOI, and mean signed error, for the estimate and the three baselines.</summary>
internal sealed class OiScore(double[] volumeOnly)
{
    // bucket (−1 = all): Σ V, Σ V|e| model, no change, rule; Σ V·e model; Σ V|e| fitted b·V; then Σ g, Σ g|e| model, no change, fitted b·V
    private readonly Dictionary<int, double[]> _sums = [];

    public void Add(IEnumerable<OiSample> samples)
    {
        foreach (var s in samples)
        {
            foreach (var bucket in (ReadOnlySpan<int>)[-1, s.Bucket])
            {
                if (!_sums.TryGetValue(bucket, out var sums))
                {
                    _sums[bucket] = sums = new double[10];
                }

                sums[0] += s.Volume;
                sums[1] += s.Volume * Math.Abs(s.Estimate - s.TrueDelta);
                sums[2] += s.Volume * Math.Abs(s.TrueDelta);
                sums[3] += s.Volume * Math.Abs(s.RuleDelta - s.TrueDelta);
                sums[4] += s.Volume * (s.Estimate - s.TrueDelta);
                sums[5] += s.Volume * Math.Abs(OiFit.VolumeOnly(volumeOnly, s) - s.TrueDelta);
                sums[6] += s.Gamma;
                sums[7] += s.Gamma * Math.Abs(s.Estimate - s.TrueDelta);
                sums[8] += s.Gamma * Math.Abs(s.TrueDelta);
                sums[9] += s.Gamma * Math.Abs(OiFit.VolumeOnly(volumeOnly, s) - s.TrueDelta);
            }
        }
    }

    /// <summary>(model, no change, old rule, fitted b·V) volume-weighted MAE in contracts, and the model's volume-weighted mean error.</summary>
    public (double Model, double NoChange, double Rule, double VolumeOnly, double Bias, double Volume) Of(int bucket)
    {
        var s = _sums.GetValueOrDefault(bucket) ?? new double[10];
        var v = Math.Max(1, s[0]);
        return (s[1] / v, s[2] / v, s[3] / v, s[5] / v, s[4] / v, s[0]);
    }

    /// <summary>The same errors weighted by each contract's gamma-dollars (what GEX feels): (model, no change, fitted b·V) in contracts.</summary>
    public (double Model, double NoChange, double VolumeOnly) ByGamma(int bucket)
    {
        var s = _sums.GetValueOrDefault(bucket) ?? new double[10];
        var g = Math.Max(1e-9, s[6]);
        return (s[7] / g, s[8] / g, s[9] / g);
    }
}
