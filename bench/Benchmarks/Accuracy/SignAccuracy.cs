using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>
/// Fits the trade-sign table (docs/methodology.md §2): per cell of <see cref="SignFeatures"/>, the share of
/// buyer-initiated prints, with one added buy and one added sell; a cell with fewer than <see cref="MinPrints"/>
/// prints takes the share of its position and condition together, and failing that of its position alone.
/// </summary>
internal sealed class SignFit
{
    public const int MinPrints = 200;

    private readonly long[] _prints = new long[SignFeatures.Cells];
    private readonly long[] _buys = new long[SignFeatures.Cells];
    private readonly long[] _rulePrints = new long[RuleLevels.Count];
    private readonly long[] _ruleBuys = new long[RuleLevels.Count];

    public void Add(AccuracyDay day)
    {
        foreach (var (trade, truth) in day.Prints())
        {
            var cell = SignFeatures.Of(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions).Cell;
            _prints[cell]++;
            _buys[cell] += truth.BuyerInitiated ? 1 : 0;
            var level = RuleLevels.Of(RuleLevels.Rule(trade));
            _rulePrints[level]++;
            _ruleBuys[level] += truth.BuyerInitiated ? 1 : 0;
        }
    }

    /// <summary>
    /// The baseline fitted as carefully as the table: the aggressor rule recalibrated, each of its five outputs (§2:
    /// at or through the ask, above the mid, at the mid or unquoted, below the mid, at or through the bid) replaced by
    /// the share of buyer-initiated prints among the fit days' prints it gave, with the table's added buy and sell.
    /// </summary>
    public double[] RuleRecalibration() =>
        [.. Enumerable.Range(0, RuleLevels.Count).Select(l => (_ruleBuys[l] + 1.0) / (_rulePrints[l] + 2.0))];

    public ushort[] Table()
    {
        const int PerPosition = SignFeatures.Conditions * SignFeatures.SpreadBuckets * SignFeatures.SizeBuckets;
        const int PerCondition = SignFeatures.SpreadBuckets * SignFeatures.SizeBuckets;
        var table = new ushort[SignFeatures.Cells];
        for (var cell = 0; cell < table.Length; cell++)
        {
            var position = cell / PerPosition;
            var condition = cell / PerCondition;
            var (buys, prints) = _prints[cell] >= MinPrints ? (_buys[cell], _prints[cell])
                : Sum(condition * PerCondition, PerCondition) is var c && c.Prints >= MinPrints ? c
                : Sum(position * PerPosition, PerPosition);
            table[cell] = (ushort)Math.Round(1000.0 * (buys + 1) / (prints + 2), MidpointRounding.AwayFromZero);
        }

        return table;
    }

    private (long Buys, long Prints) Sum(int start, int count) =>
        (_buys.AsSpan(start, count).ToArray().Sum(), _prints.AsSpan(start, count).ToArray().Sum());
}

/// <summary>
/// Scores buy probabilities against the truth on held-out days: the model's table beside the aggressor rule
/// (docs/methodology.md §2) read as a probability (1 at or through the ask, ¾ above the mid, ½ at the mid or without
/// a quote, ¼ below the mid, 0 at or through the bid).
/// </summary>
internal sealed class SignScore(ushort[] table, double[] recalibration)
{
    private const int Bins = 10;

    private readonly Calibration _model = new(Bins);
    private readonly Calibration _rule = new(Bins);
    private readonly Calibration _recalibrated = new(Bins);

    // Right answers and their weights: [0] counts prints, [1] sums contracts.
    private readonly double[] _signedByRule = new double[2];
    private readonly double[] _ruleRight = new double[2];
    private readonly double[] _modelRightOnRuleSigned = new double[2];
    private readonly double[] _all = new double[2];
    private readonly double[] _modelRight = new double[2];

    public long Prints { get; private set; }

    public void Add(AccuracyDay day)
    {
        foreach (var (trade, truth) in day.Prints())
        {
            Prints++;
            var p = table[SignFeatures.Of(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions).Cell] / 1000.0;
            var rule = RuleLevels.Rule(trade);
            var pRule = RuleLevels.Probability(rule);
            _model.Add(p, truth.BuyerInitiated);
            _rule.Add(pRule, truth.BuyerInitiated);
            _recalibrated.Add(recalibration[RuleLevels.Of(rule)], truth.BuyerInitiated);
            var modelRight = (p > 0.5) == truth.BuyerInitiated;
            Count(_all, _modelRight, trade.Size, modelRight);
            if (rule.Sign != 0)
            {
                Count(_signedByRule, _ruleRight, trade.Size, (rule.Sign > 0) == truth.BuyerInitiated);
                Count(null, _modelRightOnRuleSigned, trade.Size, modelRight);
            }
        }

        static void Count(double[]? population, double[] right, int size, bool isRight)
        {
            if (population is not null)
            {
                population[0]++;
                population[1] += size;
            }

            right[0] += isRight ? 1 : 0;
            right[1] += isRight ? size : 0;
        }
    }

    /// <summary>Share of the prints the rule signs (not at the mid, with a quote) whose side it gets right; by contracts when <paramref name="byVolume"/>.</summary>
    public double RuleAccuracy(bool byVolume = false) => _ruleRight[W(byVolume)] / _signedByRule[W(byVolume)];

    /// <summary>The model's more likely side, right, on the same prints the rule signs.</summary>
    public double ModelAccuracyOnRuleSigned(bool byVolume = false) => _modelRightOnRuleSigned[W(byVolume)] / _signedByRule[W(byVolume)];

    /// <summary>Share of all prints the rule leaves unsigned (at the mid or without a quote).</summary>
    public double RuleUnsigned => 1 - (_signedByRule[0] / Prints);

    /// <summary>Share of all prints on whose side the model's more likely answer is right; by contracts when <paramref name="byVolume"/>.</summary>
    public double ModelAccuracy(bool byVolume = false) => _modelRight[W(byVolume)] / _all[W(byVolume)];

    public Calibration Model => _model;

    public Calibration Rule => _rule;

    /// <summary>The rule recalibrated on the fit days (<see cref="SignFit.RuleRecalibration"/>).</summary>
    public Calibration Recalibrated => _recalibrated;

    private static int W(bool byVolume) => byVolume ? 1 : 0;
}

/// <summary>The aggressor rule's five outputs (§2) as indices 0 (at or through the bid) to 4 (at or through the ask).</summary>
internal static class RuleLevels
{
    public const int Count = 5;

    /// <summary>The rule's answer for a print from its price and quote alone (no side hint).</summary>
    public static SideClassification Rule(in TradeEvent trade) => AggressorClassifier.Classify(trade.Price, trade.Bid, trade.Ask, SideHint.None);

    /// <summary>The rule read as a probability of a buy: 1, ¾, ½, ¼ or 0.</summary>
    public static double Probability(SideClassification rule) => 0.5 + (rule.Sign * rule.Confidence / 2);

    public static int Of(SideClassification rule) => (int)Math.Round(Probability(rule) * 4);
}

/// <summary>Brier score and expected calibration error (equal-width bins of the forecast, weighted by prints).</summary>
internal sealed class Calibration(int bins)
{
    private readonly long[] _count = new long[bins];
    private readonly double[] _forecast = new double[bins];
    private readonly long[] _buys = new long[bins];
    private double _squaredError;
    private long _n;

    public void Add(double p, bool buy)
    {
        var bin = Math.Min(bins - 1, (int)(p * bins));
        _count[bin]++;
        _forecast[bin] += p;
        _buys[bin] += buy ? 1 : 0;
        var outcome = buy ? 1.0 : 0.0;
        _squaredError += (p - outcome) * (p - outcome);
        _n++;
    }

    public double Brier => _squaredError / _n;

    public double ExpectedCalibrationError
    {
        get
        {
            var ece = 0.0;
            for (var b = 0; b < bins; b++)
            {
                if (_count[b] > 0)
                {
                    ece += _count[b] / (double)_n * Math.Abs((_forecast[b] / _count[b]) - (_buys[b] / (double)_count[b]));
                }
            }

            return ece;
        }
    }
}
