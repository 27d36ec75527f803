using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>
/// One symbol at one instant: the dealer view's sums (to form the band for any λ and scale) beside the true dealer
/// gamma, and for the end of a call-wave or put-wave span, the change since the open.
/// </summary>
/// <param name="TrueGex">Σ g × the dealers' true position now (g at this instant).</param>
/// <param name="TrueChange">Σ g × (true position now − true position at the open).</param>
/// <param name="Minute">Minutes since the open (1–390).</param>
/// <param name="Group">The name's group: its expiry calendar (daily for indices and the largest ETFs, weekly, monthly).</param>
internal readonly record struct DealerPoint(bool WaveEnd, DealerGammaSums Sums, double TrueGex, double TrueChange, int Minute = 0, ExpiryStyle Group = default)
{
    /// <summary>The hour of the session the point falls in, 1 (09:30–10:30) to 7 (15:30–16:00).</summary>
    public int Hour => ((Minute - 1) / 60) + 1;
}

internal static class DealerPoints
{
    private const int CheckpointMinutes = 30;

    /// <summary>
    /// Steps the day a minute at a time, folding as the API would, and keeps the true dealer positions from the
    /// prints' truth. Every 30 minutes every symbol is a point; so is the end of every call-wave and put-wave span.
    /// </summary>
    public static List<DealerPoint> From(int seed, int symbols, double intensity, MarketStructure? structure = null)
    {
        var simulator = new MarketSimulator(
            new SimulatorOptions { Seed = (ulong)seed, UniverseSize = symbols, Intensity = intensity, RecordTruth = true, Structure = structure ?? MarketStructure.Default },
            AccuracyDay.DateOf(seed));
        var truth = simulator.Truth!;
        var market = new MarketState();
        var fold = new FlowFold(Analytics.Pricing.PricingParameters.Default);
        var batch = simulator.MorningAndUntil(simulator.SessionOpen);

        var dealerChange = new Dictionary<(string, OptionKey), long>();
        var points = new List<DealerPoint>();
        var wavesSeen = 0;
        for (var minute = 1; minute <= 390; minute++)
        {
            var now = simulator.SessionOpen.AddMinutes(minute);
            simulator.AdvanceTo(now, batch);
            foreach (var t in batch.Trades)
            {
                truth.TryGetPrint(t.Underlying, t.Id, out var p);
                dealerChange[(t.Underlying, t.Contract)] = dealerChange.GetValueOrDefault((t.Underlying, t.Contract)) + p.DealerNetChange;
            }

            // The stores take a busted print out when its cancel arrives (seconds to minutes later); here it never counts.
            fold.AddBatch(batch.Without(t => truth.TryGetPrint(t.Underlying, t.Id, out var p) && p.Cancelled), market);
            batch.Clear();
            var at = now.AddSeconds(-1); // inside the minute just folded, before 16:00 on the last one
            var waveEnds = new HashSet<string>();
            var regimes = simulator.Regimes;
            for (; wavesSeen < regimes.Count; wavesSeen++)
            {
                var span = regimes[wavesSeen];
                if (span.Regime is FlowRegime.CallWave or FlowRegime.PutWave)
                {
                    waveEnds.Add(span.Symbol);
                }
            }

            var checkpoint = minute % CheckpointMinutes == 0;
            foreach (var u in simulator.Universe)
            {
                var waveEnd = waveEnds.Contains(u.Symbol);
                if (!checkpoint && !waveEnd)
                {
                    continue;
                }

                var flows = fold.Contracts.Where(kv => kv.Key.Symbol == u.Symbol).ToDictionary(kv => kv.Key.Contract, kv => kv.Value);
                market.TryGetSpot(u.Symbol, out var spot);
                var input = new ChainFlowInput(u.Symbol, at, simulator.TradingDate, spot.Price, spot.Timestamp,
                    market.Chain(u.Symbol, simulator.TradingDate), flows, null, fold.Pricing);
                var positions = ChainFlow.Positions(input);
                double trueGex = 0, trueChange = 0;
                foreach (var p in positions)
                {
                    var g = DealerGamma.GammaDollars(p, spot.Price);
                    var baseline = truth.Contracts.TryGetValue((u.Symbol, p.Key), out var c) ? c.DealerBaseline : 0;
                    var change = dealerChange.GetValueOrDefault((u.Symbol, p.Key));
                    trueGex += g * (baseline + change);
                    trueChange += g * change;
                }

                points.Add(new DealerPoint(waveEnd, DealerGamma.Sums(positions, spot.Price), trueGex, trueChange, minute, u.Expiries));
            }
        }

        return points;
    }
}

/// <summary>
/// Fits λ (dealers' change per expected buy-minus-sell contract) by least squares of the true change since the open on
/// the estimated one, then the band's scale so that 80 % of the fitting points fall inside it.
/// </summary>
internal static class DealerFit
{
    public static (double FlowScale, double BandScale) Fit(IReadOnlyList<DealerPoint> points)
    {
        double xy = 0, xx = 0;
        foreach (var p in points)
        {
            xy += p.Sums.Flow * p.TrueChange;
            xx += p.Sums.Flow * p.Sums.Flow;
        }

        var lambda = Math.Round(xx == 0 ? 1 : xy / xx, 4, MidpointRounding.AwayFromZero);
        var z = points
            .Select(p => DealerGamma.Band(p.Sums, lambda, 1))
            .Zip(points, (band, p) => band.P90 == band.P50 ? 0 : Math.Abs(p.TrueGex - band.P50) / ((band.P90 - band.P50) / DealerGamma.Z90))
            .Order()
            .ToArray();
        var scale = Math.Round(z[(int)(0.8 * (z.Length - 1))] / DealerGamma.Z90, 4, MidpointRounding.AwayFromZero);
        return (lambda, scale);
    }
}

/// <summary>Coverage of the band, the sign of the change in wave spans, and flips only outside zero, on held-out points.</summary>
internal sealed class DealerScore
{
    public long Points { get; private set; }

    public long Covered { get; private set; }

    public long Waves { get; private set; }

    public long WaveSignsRight { get; private set; }

    /// <summary>Points whose band flipped the regime of the open (it excludes zero on the other side).</summary>
    public long Flips { get; private set; }

    /// <summary>Of those, points where the true dealer gamma is on the band's side of zero.</summary>
    public long FlipsRight { get; private set; }

    /// <summary>Wave spans whose true change exceeds half the band's standard deviation.</summary>
    public long ClearWaves { get; private set; }

    /// <summary>Of those, spans whose estimated change since the open has the true change's sign.</summary>
    public long ClearWaveSignsRight { get; private set; }

    /// <summary>Points and covered points by hour of the session (1–7).</summary>
    public SortedDictionary<int, (long Points, long Covered)> ByHour { get; } = [];

    /// <summary>Points and covered points by name group.</summary>
    public SortedDictionary<ExpiryStyle, (long Points, long Covered)> ByGroup { get; } = [];

    public void Add(IEnumerable<DealerPoint> points)
    {
        foreach (var p in points)
        {
            var band = DealerGamma.Band(p.Sums, DealerModel.FlowScale, DealerModel.BandScale);
            Points++;
            var covered = p.TrueGex >= band.P10 && p.TrueGex <= band.P90 ? 1 : 0;
            Covered += covered;
            var hour = ByHour.GetValueOrDefault(p.Hour);
            ByHour[p.Hour] = (hour.Points + 1, hour.Covered + covered);
            var group = ByGroup.GetValueOrDefault(p.Group);
            ByGroup[p.Group] = (group.Points + 1, group.Covered + covered);
            if (band.Flipped)
            {
                Flips++;
                FlipsRight += Math.Sign(p.TrueGex) == Math.Sign(band.P50) ? 1 : 0;
            }

            if (p.WaveEnd && p.TrueChange != 0)
            {
                Waves++;
                var right = Math.Sign(band.P50 - band.Settled) == Math.Sign(p.TrueChange) ? 1 : 0;
                WaveSignsRight += right;
                if (Math.Abs(p.TrueChange) > 0.5 * (band.P90 - band.P50) / DealerGamma.Z90)
                {
                    ClearWaves++;
                    ClearWaveSignsRight += right;
                }
            }
        }
    }
}
