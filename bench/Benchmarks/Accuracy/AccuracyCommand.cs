using System.Diagnostics;
using System.Globalization;
using System.Text;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>
/// <c>dotnet run -c Release --project bench/Benchmarks -- accuracy [--fit] [--release] [--no-write] [--symbols 64] [--intensity 0.5]</c>:
/// how right the API's inferences are on simulated days whose truth is known (docs/methodology.md "Accuracy").
/// Seeds 1–50 fit, seeds 51–100 are scored, on other dates (<see cref="AccuracyDay.DateOf"/>); with <c>--release</c>
/// the release set (seeds 101–150, a third week) is scored instead, and its report is not written into the docs. With <c>--fit</c> the fitted sign table and OI coefficients are written
/// into src/Analytics (rebuild and run again to score them); without it the report says whether the shipped ones
/// are what seeds 1–50 give. The report goes to the console and into docs/methodology.md between its markers.
/// </summary>
internal static class AccuracyCommand
{
    private const int TrainSeeds = 50;
    private const int TestSeeds = 50;
    private const int StructureSeeds = 10;

    /// <summary>The OI tables' rows: every bucket together (−1), then each days-to-expiry bucket of <see cref="OiModel"/>.</summary>
    private static readonly (string Name, int Bucket)[] Buckets = [("all", -1), ("0 (0DTE)", 0), ("1–7", 1), ("8–30", 2), ("over 30", 3)];
    private const string Begin = "<!-- accuracy:begin -->";
    private const string End = "<!-- accuracy:end -->";

    public static int Run(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var fit = args.Contains("--fit");
        var release = args.Contains("--release");
        var firstScored = release ? TrainSeeds + TestSeeds + 1 : TrainSeeds + 1;
        var symbols = int.Parse(Value("--symbols") ?? "64", CultureInfo.InvariantCulture);
        var intensity = double.Parse(Value("--intensity") ?? "0.5", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();

        var signFit = new SignFit();
        var trainDays = new List<int>();
        for (var seed = 1; seed <= TrainSeeds; seed++)
        {
            signFit.Add(AccuracyDay.Simulate(seed, symbols, intensity));
            trainDays.Add(seed);
            Progress("fit (signs)", seed, clock);
        }

        var table = signFit.Table();
        var oiTrain = new List<OiSample>();
        for (var seed = 1; seed <= TrainSeeds; seed++)
        {
            oiTrain.AddRange(OiSamples.From(AccuracyDay.Simulate(seed, symbols, intensity), table));
            Progress("fit (open interest)", seed, clock);
        }

        var coefficients = OiFit.Fit(oiTrain);
        var dealerTrain = new List<DealerPoint>();
        for (var seed = 1; seed <= TrainSeeds; seed++)
        {
            dealerTrain.AddRange(DealerPoints.From(seed, symbols, intensity));
            Progress("fit (dealer gamma)", seed, clock);
        }

        var dealer = DealerFit.Fit(dealerTrain);
        if (fit)
        {
            GeneratedCode.Write(table, coefficients, dealer.FlowScale, dealer.BandScale);
            Console.WriteLine("Wrote the fitted table and coefficients into src/Analytics; rebuild and run `accuracy` to score them.");
            return 0;
        }

        var shipped = TradeSignModel.Table.ToArray();
        var signScore = new SignScore(shipped, signFit.RuleRecalibration());
        var volumeOnly = OiFit.FitVolumeOnly(oiTrain);
        var oiScore = new OiScore(volumeOnly);
        var dealerScore = new DealerScore();
        for (var seed = firstScored; seed < firstScored + TestSeeds; seed++)
        {
            var day = AccuracyDay.Simulate(seed, symbols, intensity);
            signScore.Add(day);
            oiScore.Add(OiSamples.From(day, shipped));
            dealerScore.Add(DealerPoints.From(seed, symbols, intensity));
            Progress("score", seed, clock);
        }

        var structures = new List<StructureScore>();
        foreach (var structure in (IEnumerable<Analytics.Simulation.MarketStructure>)[Analytics.Simulation.MarketStructure.Default, .. Analytics.Simulation.MarketStructure.Alternatives])
        {
            var score = new StructureScore(structure);
            for (var seed = firstScored; seed < firstScored + StructureSeeds; seed++)
            {
                score.Add(seed, symbols, intensity, shipped);
                Progress($"structure {structure.Name}", seed, clock);
            }

            structures.Add(score);
        }

        var report = Report(signScore, oiScore, volumeOnly, dealerScore, structures, symbols, intensity, firstScored,
            table.SequenceEqual(shipped) && coefficients.SequenceEqual(OiModel.Buckets.ToArray())
            && dealer == (DealerModel.FlowScale, DealerModel.BandScale));
        Console.WriteLine(report);
        if (!args.Contains("--no-write") && !release)
        {
            var path = Path.Combine(AzuriteProcess.RepositoryRoot(), "docs", "methodology.md");
            var text = File.ReadAllText(path);
            var from = text.IndexOf(Begin, StringComparison.Ordinal);
            var to = text.IndexOf(End, StringComparison.Ordinal);
            if (from < 0 || to < from)
            {
                throw new InvalidOperationException($"docs/methodology.md has no {Begin} … {End} markers.");
            }

            File.WriteAllText(path, text[..(from + Begin.Length)] + "\n" + report + text[to..]);
            Console.WriteLine($"Wrote {path}.");
        }

        return 0;
    }

    private static void Progress(string phase, int seed, Stopwatch clock) =>
        Console.Error.Write($"\r{phase}: seed {seed} ({clock.Elapsed.TotalSeconds:0} s)   ");

    private static string Report(SignScore sign, OiScore oi, double[] volumeOnly, DealerScore dealer, List<StructureScore> structures, int symbols, double intensity, int firstScored, bool shippedIsFit)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(ci, $"Produced by `dotnet run -c Release --project bench/Benchmarks -- accuracy` on {DateTime.UtcNow:yyyy-MM-dd}: {TrainSeeds} simulated days (seeds 1–{TrainSeeds}, the week of {AccuracyDay.DateOf(1):yyyy-MM-dd}) fit, {TestSeeds} {(firstScored > TrainSeeds + TestSeeds ? "release" : "held-out")} days (seeds {firstScored}–{firstScored + TestSeeds - 1}, the week of {AccuracyDay.DateOf(firstScored):yyyy-MM-dd}) scored, {symbols} names at intensity {intensity} ({sign.Prints:N0} held-out prints). The shipped sign table, OI coefficients and dealer-gamma constants {(shippedIsFit ? "are exactly" : "are NOT")} what seeds 1–{TrainSeeds} give.");
        sb.AppendLine();
        sb.AppendLine("**Trade sign** (§2), every held-out print:");
        sb.AppendLine();
        sb.AppendLine("| figure | measured | target | met |");
        sb.AppendLine("|---|---:|---:|---:|");
        sb.AppendLine(ci, $"| aggressor rule: right side, of the prints it signs (by prints / by contracts) | {sign.RuleAccuracy():P1} / {sign.RuleAccuracy(true):P1} | report | report |");
        sb.AppendLine(ci, $"| buy probability: right side, of the same prints (by prints / by contracts) | {sign.ModelAccuracyOnRuleSigned():P1} / {sign.ModelAccuracyOnRuleSigned(true):P1} | report | report |");
        sb.AppendLine(ci, $"| aggressor rule: prints it cannot sign (at the mid or without a quote) | {sign.RuleUnsigned:P1} | report | report |");
        sb.AppendLine(ci, $"| buy probability: right side (more likely side), of all prints (by prints / by contracts) | {sign.ModelAccuracy():P1} / {sign.ModelAccuracy(true):P1} | report | report |");
        sb.AppendLine(ci, $"| buy probability: expected calibration error (10 bins) | {sign.Model.ExpectedCalibrationError:0.0000} | ≤ 0.03 | {Met(sign.Model.ExpectedCalibrationError <= 0.03)} |");
        sb.AppendLine(ci, $"| aggressor rule read as a probability (1, ¾, ½, ¼, 0): expected calibration error | {sign.Rule.ExpectedCalibrationError:0.0000} | report | report |");
        sb.AppendLine(ci, $"| aggressor rule recalibrated on the fit days: expected calibration error | {sign.Recalibrated.ExpectedCalibrationError:0.0000} | report | report |");
        var raw = 1 - (sign.Model.Brier / sign.Rule.Brier);
        sb.AppendLine(ci, $"| Brier score: buy probability / rule as a probability | {sign.Model.Brier:0.0000} / {sign.Rule.Brier:0.0000} ({raw:P1} better) | report | report |");
        var gain = 1 - (sign.Model.Brier / sign.Recalibrated.Brier);
        sb.AppendLine(ci, $"| Brier score: buy probability / rule recalibrated | {sign.Model.Brier:0.0000} / {sign.Recalibrated.Brier:0.0000} ({gain:P1} better) | ≥ 5 % better | {Met(gain >= 0.05)} |");
        sb.AppendLine();
        sb.AppendLine("**Open-interest change** (§8), every held-out contract that traded, weighted by its volume (MAE in contracts per contract-day):");
        sb.AppendLine();
        sb.AppendLine("| days to expiry | volume | estimate MAE | fitted b·V MAE | below it by | target ≥ 15 % | no change MAE | withdrawn rule MAE | estimate bias |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, bucket) in Buckets)
        {
            var s = oi.Of(bucket);
            var below = 1 - (s.Model / s.VolumeOnly);
            var b = bucket < 0 ? string.Empty : string.Create(ci, $" (b = {volumeOnly[bucket]:0.0000})");
            sb.AppendLine(ci, $"| {name} | {s.Volume:N0} | {s.Model:N1} | {s.VolumeOnly:N1}{b} | {below:P1} | {Met(below >= 0.15)} | {s.NoChange:N1} | {s.Rule:N1} | {s.Bias:+0.0;-0.0;0.0} |");
        }

        sb.AppendLine();
        sb.AppendLine("Weighted by each contract's gamma-dollars at the morning chain instead of its volume (an error of one contract moves GEX by that much; MAE in contracts):");
        sb.AppendLine();
        sb.AppendLine("| days to expiry | estimate | fitted b·V | below it by | no change |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, bucket) in Buckets)
        {
            var g = oi.ByGamma(bucket);
            sb.AppendLine(ci, $"| {name} | {g.Model:N1} | {g.VolumeOnly:N1} | {1 - (g.Model / g.VolumeOnly):P1} | {g.NoChange:N1} |");
        }

        sb.AppendLine();
        sb.AppendLine("The fitted b·V baseline is ΔOI = clamp(round(b·V), −B, V) with one b per bucket, fitted on the same days as the estimate to the same loss (the V²-weighted median of ΔOI/V). Bias is the volume-weighted mean of estimate − truth in contracts: positive overstates open interest.");
        sb.AppendLine();
        sb.AppendLine(ci, $"**Dealer gamma band** (§9), every symbol every 30 minutes and at the end of every call-wave and put-wave span (λ = {DealerModel.FlowScale}, band scale {DealerModel.BandScale}):");
        sb.AppendLine();
        sb.AppendLine("| figure | measured | target | met |");
        sb.AppendLine("|---|---:|---:|---:|");
        var coverage = dealer.Covered / (double)dealer.Points;
        sb.AppendLine(ci, $"| P10–P90 band holds the true dealer gamma, of {dealer.Points:N0} symbol-minutes | {coverage:P1} | 75–85 % | {Met(coverage is >= 0.75 and <= 0.85)} |");
        foreach (var (hour, (points, covered)) in dealer.ByHour)
        {
            var share = covered / (double)points;
            sb.AppendLine(ci, $"| band coverage in hour {hour} of the session, of {points:N0} | {share:P1} | 75–85 % | {Met(share is >= 0.75 and <= 0.85)} |");
        }

        foreach (var (group, (points, covered)) in dealer.ByGroup)
        {
            sb.AppendLine(ci, $"| band coverage, names with {(group == Analytics.Simulation.ExpiryStyle.Daily ? "daily expiries (indices and the largest ETFs)" : "weekly and monthly expiries")}, of {points:N0} | {covered / (double)points:P1} | report | report |");
        }

        var waves = dealer.WaveSignsRight / (double)Math.Max(1, dealer.Waves);
        sb.AppendLine(ci, $"| sign of the change since the open right, of {dealer.Waves:N0} call-wave and put-wave spans | {waves:P1} | report | report |");
        var clear = dealer.ClearWaveSignsRight / (double)Math.Max(1, dealer.ClearWaves);
        sb.AppendLine(ci, $"| the same, of the {dealer.ClearWaves:N0} spans whose true change exceeds half a band standard deviation | {clear:P1} | ≥ 90 % | {Met(clear >= 0.9)} |");
        sb.AppendLine(ci, $"| regime flips reported (band excludes zero, other side from the open) / true gamma on the band's side | {dealer.Flips:N0} / {dealer.FlipsRight:N0} | flips only outside zero | by construction |");
        sb.AppendLine();
        sb.AppendLine(ci, $"**Off the model: other market structures** (docs/simulated-tape.md \"Market structures\"), the shipped constants unchanged, {StructureSeeds} scored days each (seeds {firstScored}–{firstScored + StructureSeeds - 1}). Every structure has the same tape; what differs is who opens, who closes and who is on the dealer side:");
        sb.AppendLine();
        sb.AppendLine("| structure | customers opened, of volume | OI estimate MAE ÷ no change MAE | target < 1 | sign's 90 % interval holds the true net, of name-days | target 85–95 % | dealer band coverage | target 70–90 % | regime not `uncertain` right in sign | target ≥ 95 % |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var st in structures)
        {
            sb.AppendLine(ci, $"| {st.Structure.Name} | {st.CustomerOpenedShare:P1} | {st.OiRatio:0.00} | {Met(st.OiRatio < 1)} | {st.IntervalCoverage:P1} of {st.NameDays:N0} | {Met(st.IntervalCoverage is >= 0.85 and <= 0.95)} | {st.BandCoverage:P1} | {Met(st.BandCoverage is >= 0.7 and <= 0.9)} | {st.RegimeRight:P1} of {st.Regimes:N0} | {Met(st.RegimeRight >= 0.95)} |");
        }

        return sb.ToString();

        static string Met(bool met) => met ? "met" : "missed";
    }
}
