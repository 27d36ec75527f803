using System.Globalization;

namespace FlowFunctions.Benchmarks;

/// <summary>Command-line options of the benchmark run.</summary>
public sealed record BenchOptions(IReadOnlySet<string>? Only, bool Write, int LoadSeconds, int WarmupSeconds, int ColdStarts, double SnapshotIntensity, double ReplayIntensity)
{
    public bool Runs(string suite) => Only is null || Only.Contains(suite);

    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var only = Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new BenchOptions(
            only,
            !args.Contains("--no-write") && only is null,
            int.Parse(Value("--seconds") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Value("--warmup") ?? "3", CultureInfo.InvariantCulture),
            int.Parse(Value("--cold-starts") ?? "10", CultureInfo.InvariantCulture),
            double.Parse(Value("--snapshot-intensity") ?? "0.01", CultureInfo.InvariantCulture),
            double.Parse(Value("--replay-intensity") ?? "10", CultureInfo.InvariantCulture));
    }
}
