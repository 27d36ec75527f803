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

    public void Add(AccuracyDay day)
    {
        foreach (var (trade, truth) in day.Prints())
        {
            var cell = SignFeatures.Of(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions).Cell;
            _prints[cell]++;
            _buys[cell] += truth.BuyerInitiated ? 1 : 0;
        }
    }

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
internal sealed class SignScore(ushort[] table)
{
    private const int Bins = 10;

    private readonly Calibration _model = new(Bins);
    private readonly Calibration _rule = new(Bins);
    private long _signedByRule;
    private long _ruleRight;
    private long _modelRight;

    public long Prints { get; private set; }

    public void Add(AccuracyDay day)
    {
        foreach (var (trade, truth) in day.Prints())
        {
            Prints++;
            var p = table[SignFeatures.Of(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions).Cell] / 1000.0;
            var rule = AggressorClassifier.Classify(trade.Price, trade.Bid, trade.Ask, SideHint.None);
            var pRule = 0.5 + (rule.Sign * rule.Confidence / 2);
            _model.Add(p, truth.BuyerInitiated);
            _rule.Add(pRule, truth.BuyerInitiated);
            if (rule.Sign != 0)
            {
                _signedByRule++;
                _ruleRight += (rule.Sign > 0) == truth.BuyerInitiated ? 1 : 0;
            }

            _modelRight += (p > 0.5) == truth.BuyerInitiated ? 1 : 0;
        }
    }

    /// <summary>Share of the prints the rule signs (not at the mid, with a quote) whose side it gets right.</summary>
    public double RuleAccuracy => _ruleRight / (double)_signedByRule;

    /// <summary>Share of all prints the rule leaves unsigned (at the mid or without a quote).</summary>
    public double RuleUnsigned => 1 - (_signedByRule / (double)Prints);

    /// <summary>Share of all prints on whose side the model's more likely answer is right.</summary>
    public double ModelAccuracy => _modelRight / (double)Prints;

    public Calibration Model => _model;

    public Calibration Rule => _rule;
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
