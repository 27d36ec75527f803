// Analytics benchmarks.
//   dotnet run -c Release --project bench/Analytics.Benchmarks            fold and parse figures beside their limits
//   dotnet run -c Release --project bench/Analytics.Benchmarks -- tape    the simulated trading day, summarised
using System.Globalization;
using BenchmarkDotNet.Running;
using FlowFunctions.Analytics.Benchmarks;
using FlowFunctions.Analytics.Simulation;

if (args.Length > 0 && args[0] == "tape")
{
    var sim = new MarketSimulator(new SimulatorOptions { Seed = 1 }, TapeFixture.Date);
    Console.WriteLine(TapeSummary.Markdown(sim, sim.FullDay()));
    return;
}

var summary = BenchmarkRunner.Run<FoldBenchmarks>(args: args);
double PerSecond(string description)
{
    var report = summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Contains(description, StringComparison.Ordinal));
    return 1e9 / report.ResultStatistics!.Mean;
}

var fold = PerSecond("fold (IV and spot given)");
var raw = PerSecond("raw System.Text.Json");
var parse = PerSecond("parse + validate");
var parseFold = PerSecond("parse + validate + fold");
var ci = CultureInfo.InvariantCulture;
Console.WriteLine();
Console.WriteLine("| figure | measured | beside | ratio | target | met |");
Console.WriteLine("|---|---:|---:|---:|---|---|");
Console.WriteLine(string.Create(ci, $"| fold, prints/s on one core, IV given | {fold:N0} | 2,000,000 (limit) | {fold / 2_000_000:0.00}x | ≥ 1.00x | {(fold >= 2_000_000 ? "met" : "missed")} |"));
Console.WriteLine(string.Create(ci, $"| parse + validate, prints/s | {parse:N0} | raw STJ scan {raw:N0} | {parse / raw:0.00}x | report | - |"));
Console.WriteLine(string.Create(ci, $"| parse + validate + fold, prints/s | {parseFold:N0} | raw STJ scan {raw:N0} | {parseFold / raw:0.00}x | report | - |"));
