// Storage cost and query-plan benchmark (issue 4): the simulated full-market trading day (seed 1, 64 names) through
// the ingest pipeline into the Azure store on Azurite, in batches of 1,000 events, with every storage request counted
// by a pipeline policy; then each endpoint's reads, counted the same way.
//   dotnet run -c Release --project bench/Storage.Benchmarks [-- --symbols 64 --batch 1000]
using System.Diagnostics;
using System.Globalization;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Functions.Storage.Azure;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

var symbols = Option("--symbols", 64);
var batchSize = Option("--batch", 1_000);
var ci = CultureInfo.InvariantCulture;
var date = new DateOnly(2026, 6, 5);

await using var azurite = await AzuriteProcess.StartAsync();
var counter = new StorageRequestCounter();
var storage = new AzureStorage(StorageAccount.Parse("UseDevelopmentStorage=true"), null, "bench" + Guid.NewGuid().ToString("N")[..8], counter);
using var flows = storage.CreateFlowStore();
var deadLetters = storage.CreateDeadLetterStore();

var simulator = new MarketSimulator(new SimulatorOptions { Seed = 1, UniverseSize = symbols }, date);
var tape = simulator.FullDay();
var payloads = new List<byte[]>();
for (var start = 0; start < tape.Order.Count; start += batchSize)
{
    payloads.Add(EventJsonWriter.WriteArray(tape, start, Math.Min(batchSize, tape.Order.Count - start)));
}

var prints = tape.Trades.Count;

var clock = MarketClock.Live(new FixedTime(simulator.SessionClose.AddMinutes(5)));
using var pipeline = new IngestPipeline(flows, deadLetters, clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
await flows.FindReceiptAsync("warm-up", default); // creates the tables and the container
await deadLetters.WriteAsync(new FlowFunctions.Functions.Storage.DeadLetter("warm-up", clock.Now, []), default);
counter.Reset();

var latencies = new List<double>(payloads.Count);
var total = Stopwatch.StartNew();
for (var i = 0; i < payloads.Count; i++)
{
    var started = Stopwatch.GetTimestamp();
    var outcome = await pipeline.IngestAsync(payloads[i], $"bench-{i}", "eh-0", default);
    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    if (outcome.Receipt.Rejected > 0)
    {
        throw new InvalidOperationException($"batch {i} had {outcome.Receipt.Rejected} refused events");
    }
}

total.Stop();
var requests = counter.Requests;
var byKind = counter.ByKind;
var perThousand = requests * 1_000.0 / prints;
latencies.Sort();

Console.WriteLine();
Console.WriteLine(string.Create(ci, $"Simulated day {date:yyyy-MM-dd}: {symbols} names, {tape.Order.Count:N0} events ({prints:N0} prints) in {payloads.Count} batches of {batchSize:N0}, Azurite, {total.Elapsed.TotalSeconds:F1} s"));
Console.WriteLine();
Console.WriteLine("| figure | measured | beside | ratio | target | met |");
Console.WriteLine("|---|---:|---:|---:|---|---|");
Console.WriteLine(string.Create(ci, $"| storage transactions per 1,000 prints | {perThousand:F2} | one per print: 1,000 | {perThousand / 1_000:0.0000}x | ≤ 20 | {(perThousand <= 20 ? "met" : "missed")} |"));
Console.WriteLine(string.Create(ci, $"| commit of one batch on Azurite, p50 / p99 ms | {Percentile(0.50):F1} / {Percentile(0.99):F1} | - | - | report | - |"));
Console.WriteLine();
Console.WriteLine("| request kind | count | per batch |");
Console.WriteLine("|---|---:|---:|");
foreach (var (kind, count) in byKind)
{
    Console.WriteLine(string.Create(ci, $"| {kind} | {count:N0} | {(double)count / payloads.Count:F2} |"));
}

Console.WriteLine(string.Create(ci, $"| total | {requests:N0} | {(double)requests / payloads.Count:F2} |"));

// The query plan, measured: requests each endpoint's reads take (docs/storage.md).
var now = simulator.SessionClose.AddMinutes(-1);
var nowMinute = MinuteBucket.Of(now);
var top = simulator.Universe[0].Symbol;
Console.WriteLine();
Console.WriteLine(string.Create(ci, $"Reads at {now:HH:mm} UTC for {top} (requests per call):"));
Console.WriteLine();
Console.WriteLine("| read | endpoint | requests | rows |");
Console.WriteLine("|---|---|---:|---:|");
await Measure("minutes, 240", "cumulative", async () => (await flows.ReadMinutesAsync(top, nowMinute - 239, nowMinute, default)).Count);
await Measure("minutes, 10,080", "cumulative", async () => (await flows.ReadMinutesAsync(top, nowMinute - 10_079, nowMinute, default)).Count);
await Measure("0DTE cells, 390", "strike-flow", async () => (await flows.ReadZeroDteAsync(top, nowMinute - 389, nowMinute, default)).Count);
await Measure("contracts of the day", "summary, anomaly", async () => (await flows.ReadContractsAsync(top, date, default)).Count);
await Measure("chain of the day", "summary, anomaly", async () => (await flows.ReadChainAsync(top, date, default))?.Contracts.Count ?? 0);
await Measure("spot", "summary, anomaly, strike-flow", async () => (await flows.ReadSpotAsync(top, default)) is null ? 0 : 1);
foreach (var window in new[] { 15, 60, 61, 240, 390, 1_440, 10_080 })
{
    await Measure(string.Create(ci, $"window totals, {window:N0}"), "leaderboard snapshot", async () => (await flows.ReadWindowTotalsAsync(nowMinute - window + 1, nowMinute, default)).Count);
}

async Task Measure(string read, string endpoint, Func<Task<int>> call)
{
    counter.Reset();
    var rows = await call();
    Console.WriteLine(string.Create(ci, $"| {read} | {endpoint} | {counter.Requests} | {rows:N0} |"));
}

double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>A wall clock stopped just after the simulated close, so the whole day is inside the ingest window.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
