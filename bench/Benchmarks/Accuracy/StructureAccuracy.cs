using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>
/// The shipped constants scored under each market structure (<see cref="MarketStructure"/>: the default they were fitted
/// on and the alternatives, each another story of who opens, who closes and who holds the dealer side), on held-out
/// seeds: the OI estimate against assuming no change, the sign's 90 % intervals per name and day, the dealer band's
/// coverage, and whether a regime that is not <c>uncertain</c> has the true sign (docs/methodology.md "Accuracy").
/// </summary>
internal sealed class StructureScore(MarketStructure structure)
{
    private const double Z90 = 1.6448536269514722;

    private readonly OiScore _oi = new(new double[4]);
    private readonly DealerScore _dealer = new();
    private long _nameDays;
    private long _intervalsHeld;
    private long _regimes;
    private long _regimesRight;
    private long _volume;
    private long _customerOpened;

    public MarketStructure Structure => structure;

    public void Add(int seed, int symbols, double intensity, ReadOnlySpan<ushort> table)
    {
        var day = AccuracyDay.Simulate(seed, symbols, intensity, structure);
        _oi.Add(OiSamples.From(day, table));

        // The signed flow of a name's day (§9 "signed_flow"): E = Σ (2q − 1)·size, Var = Σ 4q(1 − q)·size², against the
        // true buy-minus-sell contracts.
        var names = new Dictionary<string, (double Expected, double Variance, long True)>(StringComparer.Ordinal);
        foreach (var (trade, truth) in day.Prints())
        {
            var q = table[SignFeatures.Of(trade.Price, trade.Bid, trade.Ask, trade.Size, trade.Conditions).Cell] / 1000.0;
            var n = names.GetValueOrDefault(trade.Underlying);
            _volume += trade.Size;
            _customerOpened += truth.CustomerOpened;
            names[trade.Underlying] = (n.Expected + ((2 * q) - 1) * trade.Size, n.Variance + (4 * q * (1 - q) * trade.Size * trade.Size), n.True + (truth.BuyerInitiated ? trade.Size : -trade.Size));
        }

        foreach (var (expected, variance, truth) in names.Values)
        {
            _nameDays++;
            _intervalsHeld += Math.Abs(truth - expected) <= Z90 * Math.Sqrt(variance) ? 1 : 0;
        }

        var points = DealerPoints.From(seed, symbols, intensity, structure);
        _dealer.Add(points);
        foreach (var p in points)
        {
            var band = DealerGamma.Band(p.Sums, DealerModel.FlowScale, DealerModel.BandScale);
            if (band.Regime != "uncertain")
            {
                _regimes++;
                _regimesRight += Math.Sign(p.TrueGex) == Math.Sign(band.P50) ? 1 : 0;
            }
        }
    }

    /// <summary>The volume-weighted MAE of the OI estimate over that of assuming no change (below 1 is better).</summary>
    public double OiRatio => _oi.Of(-1).Model / _oi.Of(-1).NoChange;

    public double IntervalCoverage => _intervalsHeld / (double)Math.Max(1, _nameDays);

    public long NameDays => _nameDays;

    public double BandCoverage => _dealer.Covered / (double)Math.Max(1, _dealer.Points);

    public double RegimeRight => _regimesRight / (double)Math.Max(1, _regimes);

    public long Regimes => _regimes;

    /// <summary>The share of volume customers opened: how much of the tape is new positions in this story.</summary>
    public double CustomerOpenedShare => _customerOpened / (double)Math.Max(1, _volume);
}
