// FlowFunctions benchmarks: every figure of docs/benchmarks.md, each beside its limit or its comparison in the same
// run, printed as a table and written to docs/benchmarks.md.
//   dotnet run -c Release --project bench/Benchmarks                    everything (about 15 minutes on 2 cores)
//   dotnet run -c Release --project bench/Benchmarks -- --only http     some suites: fold, http, cold, replay, stream, storage, snapshot, memweek, history, import
//   dotnet run -c Release --project bench/Benchmarks -- --no-write      print only
//   dotnet run -c Release --project bench/Benchmarks -- tape            the simulated trading day, summarised
//   dotnet run -c Release --project bench/Benchmarks -- accuracy        how right the inferences are (docs/methodology.md "Accuracy")
// Needs wrk on the PATH for the HTTP suite (Debian: apt-get install wrk) and Node for Azurite (tools/azurite).
using System.Globalization;
using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Benchmarks;
using FlowFunctions.Testing;

if (args.Length > 0 && args[0] == "tape")
{
    var sim = SimulatedDays.Simulator();
    Console.WriteLine(TapeSummary.Markdown(sim, sim.FullDay()));
    return 0;
}

if (args.Length > 0 && args[0] == "accuracy")
{
    return FlowFunctions.Benchmarks.Accuracy.AccuracyCommand.Run(args);
}

var options = BenchOptions.Parse(args);
if (options.Runs("http") && !Wrk.Available())
{
    Console.Error.WriteLine("wrk is not on the PATH; the HTTP suite needs it (Debian: sudo apt-get install wrk), or leave it out with --only.");
    return 2;
}

var report = new Report();
var started = DateTimeOffset.UtcNow;
if (options.Runs("fold"))
{
    new FoldSuite(report).Run();
}

if (options.Runs("http") || options.Runs("cold") || options.Runs("replay") || options.Runs("stream"))
{
    await using var apps = await Apps.PublishAsync();
    if (options.Runs("stream"))
    {
        await new StreamSuite(report, apps).RunAsync();
    }

    if (options.Runs("http"))
    {
        await new HttpSuite(report, apps, options).RunAsync();
    }

    if (options.Runs("cold"))
    {
        await new ColdStartSuite(report, apps, options).RunAsync();
    }

    if (options.Runs("replay"))
    {
        await new ReplaySuite(report, apps, options).RunAsync();
    }
}

if (options.Runs("storage"))
{
    await new StorageSuite(report).RunAsync();
}

if (options.Runs("snapshot"))
{
    await new SnapshotSuite(report, options).RunAsync();
}

if (options.Runs("memweek"))
{
    await new MemoryWeekSuite(report).RunAsync();
}

if (options.Runs("history"))
{
    await new HistorySuite(report).RunAsync();
}

if (options.Runs("import"))
{
    var importRoot = Directory.CreateTempSubdirectory("flowfunctions-import-bench-").FullName;
    try
    {
        await new ImportSuite(report, importRoot).RunAsync();
    }
    finally
    {
        Directory.Delete(importRoot, recursive: true);
    }
}

Console.WriteLine();
Console.WriteLine(report.SummaryTable());
var machine = string.Create(CultureInfo.InvariantCulture,
    $"Run on {started:yyyy-MM-dd HH:mm} UTC: {Environment.ProcessorCount} cores ({Cpu()}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}, wrk {WrkVersion()}, Azurite {AzuriteVersion()}{(options.Only is null ? string.Empty : ", suites: " + string.Join(", ", options.Only))}.");
if (options.Write)
{
    var path = Path.Combine(AzuriteProcess.RepositoryRoot(), "docs", "benchmarks.md");
    var notes = Path.Combine(AzuriteProcess.RepositoryRoot(), "bench", "Benchmarks", "notes.md");
    var text = File.ReadAllText(notes);
    var split = text.Split("<!-- summary -->", 2);
    File.WriteAllText(path, report.Markdown(machine, "dotnet run -c Release --project bench/Benchmarks", split[0].Trim(), split.Length > 1 ? split[1].Trim() : string.Empty));
    Console.WriteLine($"Wrote {path}");
}
else
{
    Console.WriteLine();
    Console.WriteLine(report.Sections());
}

return report.Figures.Any(f => f.Verdict == "missed") ? 1 : 0;

static string Cpu()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException)
    {
        return "unknown CPU";
    }
}

static string WrkVersion()
{
    try
    {
        var info = new System.Diagnostics.ProcessStartInfo("wrk", ["-v"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(info)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text.Split(' ', 3) is [_, var v, ..] ? v : "?";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "not installed";
    }
}

static string AzuriteVersion()
{
    var package = Path.Combine(AzuriteProcess.ToolsDirectory, "node_modules", "azurite", "package.json");
    return File.Exists(package)
        ? System.Text.Json.JsonDocument.Parse(File.ReadAllText(package)).RootElement.GetProperty("version").GetString() ?? "?"
        : "?";
}
