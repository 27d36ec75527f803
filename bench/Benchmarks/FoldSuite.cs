using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Benchmarks;

/// <summary>The analytics fold and the parser, by BenchmarkDotNet (<see cref="FoldBenchmarks"/>), in its own process.</summary>
public sealed class FoldSuite(Report report)
{
    public void Run()
    {
        Console.WriteLine("Fold and parse (BenchmarkDotNet)...");
        var config = DefaultConfig.Instance
            .WithOptions(ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "flowfunctions-benchmarkdotnet"));
        var summary = BenchmarkRunner.Run<FoldBenchmarks>(config);
        var fold = PerSecond(summary, "fold (IV and spot given)");
        var raw = PerSecond(summary, "raw System.Text.Json");
        var parse = PerSecond(summary, "parse + validate");
        var parseFold = PerSecond(summary, "parse + validate + fold");
        report.Add(new Figure("analytics fold, prints/s on one core, IV given", Fmt.N0(fold), "limit: 2,000,000", fold / 2_000_000, Goal.AtLeast, 1, "≥ 2,000,000 (1x)"));
        var paired = PairedParseRatio();
        report.Add(new Figure("parse + validate, prints/s (alternating with the scan, median of 41 pairs)", Fmt.N0(paired.Parse), $"raw System.Text.Json token scan of the same bytes: {Fmt.N0(paired.Raw)}", paired.Ratio, Goal.AtLeast, 0.6, "≥ 0.6x"));
        report.Add(new Figure("parse + validate, prints/s (BenchmarkDotNet)", Fmt.N0(parse), $"raw System.Text.Json token scan of the same bytes: {Fmt.N0(raw)}", parse / raw, Goal.Report, 0, "report"));
        var parseReport = summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Contains("parse + validate", StringComparison.Ordinal));
        var allocated = parseReport.GcStats.GetBytesAllocatedPerOperation(parseReport.BenchmarkCase) ?? 0;
        report.Add(new Figure("parse + validate, bytes allocated per print (ids of up to 16 characters)", $"{allocated} B", "-", null, Goal.AtMost, 0, "0 B", allocated));
        report.Add(new Figure("parse + validate + fold, prints/s", Fmt.N0(parseFold), $"raw System.Text.Json token scan of the same bytes: {Fmt.N0(raw)}", parseFold / raw, Goal.Report, 0, "report"));

        var section = report.Section("Fold and parse (BenchmarkDotNet)");
        section.AppendLine($"The first {Fmt.N0(FoldBenchmarks.Prints)} prints of the simulated day (seed 1, 64 names), IV and spot on every print; the parse rows read them as {FoldBenchmarks.Prints / FoldBenchmarks.BatchSize} JSON arrays of {Fmt.N0(FoldBenchmarks.BatchSize)} events. One operation is one print.").AppendLine();
        section.AppendLine(Report.Table(
            ["method", "mean ns", "±2.58 SE ns", "stddev ns", "allocated per print"],
            summary.Reports.Select(r => (IReadOnlyList<string>)[
                r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                Fmt.F(r.ResultStatistics!.Mean, 1),
                Fmt.F(r.ResultStatistics.StandardError * 2.58, 1),
                Fmt.F(r.ResultStatistics.StandardDeviation, 1),
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) is { } b ? $"{b} B" : "-",
            ])));
    }

    /// <summary>
    /// Parse + validate against the raw token scan, timed in alternation, round after round: on a shared machine a
    /// burst of noise then slows both sides of a pair, where BenchmarkDotNet, which runs one method after the other,
    /// can land it on one side only. The ratio is the median of the pairs' ratios; the rates are the medians.
    /// </summary>
    private static (double Parse, double Raw, double Ratio) PairedParseRatio()
    {
        const int Rounds = 41;
        var batches = FoldBenchmarks.Batches();
        var parser = new EventParser(new SymbolTable());
        var batch = new EventBatch();
        for (var i = 0; i < 10; i++)
        {
            FoldBenchmarks.RawJsonScan(batches);
            FoldBenchmarks.Parse(parser, batch, batches);
        }

        var raws = new double[Rounds];
        var parses = new double[Rounds];
        var ratios = new double[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            FoldBenchmarks.RawJsonScan(batches);
            var rawSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            FoldBenchmarks.Parse(parser, batch, batches);
            var parseSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            raws[i] = FoldBenchmarks.Prints / rawSeconds;
            parses[i] = FoldBenchmarks.Prints / parseSeconds;
            ratios[i] = rawSeconds / parseSeconds;
        }

        return (Median(parses), Median(raws), Median(ratios));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private static double PerSecond(Summary summary, string description)
    {
        var report = summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Contains(description, StringComparison.Ordinal));
        return 1e9 / report.ResultStatistics!.Mean;
    }
}
