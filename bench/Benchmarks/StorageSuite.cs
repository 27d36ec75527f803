using System.Diagnostics;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Ingest;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// Storage transactions per 1,000 prints: the simulated full-market day through the Event Hubs trigger's own code
/// (<see cref="EventHubIngest"/>: delivery claims, then the ingest pipeline and the Azure store) on Azurite, in
/// deliveries of 1,000 messages on four partitions, with every storage request counted by a pipeline policy (each
/// request is one billed transaction; an entity-group transaction counts one). Then each endpoint's reads, counted the
/// same way (the query plan of docs/storage.md).
/// </summary>
public sealed class StorageSuite(Report report)
{
    private const int Partitions = 4;
    private static readonly DateOnly Date = new(2026, 6, 5);

    public async Task RunAsync()
    {
        Console.WriteLine("Storage transactions on Azurite...");
        await using var azurite = await AzuriteProcess.StartAsync();
        var counter = new StorageRequestCounter();
        var storage = AzureStorage.FromConnectionString("UseDevelopmentStorage=true", "bench" + Guid.NewGuid().ToString("N")[..8], counter);
        using var flows = storage.CreateFlowStore();
        var deadLetters = storage.CreateDeadLetterStore();
        var tape = SessionTape.Simulate(Date, 64, TimeSpan.Zero);
        var clock = MarketClock.Live(new FixedTime(NewYorkTime.CloseUtc(Date).AddMinutes(5)));
        using var pipeline = new IngestPipeline(flows, deadLetters, clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
        var ingest = new EventHubIngest(pipeline, storage.CreateDeliveryLog(), clock.WallClock, NullLogger<EventHubIngest>.Instance);

        // Create the tables and containers first: a deployment does that once, not per batch.
        await ingest.IngestAsync(new EventHubDelivery("warm-up", "warm-up", "warm-up", "0", [new EventHubMessage("{}"u8.ToArray(), 0)]), default);
        counter.Reset();

        var deliveries = tape.Deliveries(1_000, Partitions);
        var latencies = new List<double>();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < deliveries.Max(p => p.Count); i++)
        {
            foreach (var partition in deliveries)
            {
                if (i >= partition.Count)
                {
                    continue;
                }

                var d = partition[i];
                var messages = d.Messages.Select((m, k) => new EventHubMessage(Encoding.UTF8.GetBytes(m), d.FirstSequence + k)).ToArray();
                var started = Stopwatch.GetTimestamp();
                var result = await ingest.IngestAsync(new EventHubDelivery("bench", "flow-events", "flowfunctions", d.Partition, messages), default);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (result.Rejected > 0)
                {
                    throw new InvalidOperationException($"delivery {d.Partition}/{d.FirstSequence} had {result.Rejected} refused events");
                }
            }
        }

        total.Stop();
        latencies.Sort();
        var batches = deliveries.Sum(p => p.Count);
        var requests = counter.Requests;
        var perThousand = requests * 1_000.0 / tape.Prints;
        report.Add(new Figure(
            "storage transactions per 1,000 prints (Azurite, full-market day, batches of 1,000)",
            Fmt.F(perThousand, 2),
            "one per print: 1,000",
            null,
            Goal.AtMost,
            20,
            "≤ 20",
            perThousand));

        var section = report.Section("Storage transactions (Azurite)");
        section.AppendLine($"The simulated day {Date:yyyy-MM-dd} (seed 1, 64 names, {Fmt.N0(tape.Prints)} prints) through `EventHubIngest` (the trigger's code: delivery claims, ingest pipeline, Azure store) into Azurite, in {batches} deliveries of up to 1,000 messages on {Partitions} partitions, {Fmt.F(total.Elapsed.TotalSeconds, 1)} s. A `StorageRequestCounter` pipeline policy counts every request; each is one billed storage transaction (an entity-group transaction counts one). Delivery commit p50 {Fmt.Ms(Fmt.Percentile(latencies, 0.5))} ms, p99 {Fmt.Ms(Fmt.Percentile(latencies, 0.99))} ms.").AppendLine();
        section.AppendLine(Report.Table(
            ["request kind", "count", "per delivery"],
            counter.ByKind.Select(k => (IReadOnlyList<string>)[k.Key, Fmt.N0(k.Value), Fmt.F((double)k.Value / batches, 2)])
                .Append([$"total ({Fmt.F(perThousand, 2)} per 1,000 prints)", Fmt.N0(requests), Fmt.F((double)requests / batches, 2)])));

        var now = NewYorkTime.CloseUtc(Date).AddMinutes(-1);
        var last = MinuteBucket.Of(now);
        var rows = new List<IReadOnlyList<string>>();
        async Task Measure(string read, string endpoint, Func<Task<int>> call)
        {
            counter.Reset();
            var n = await call();
            rows.Add([read, endpoint, Fmt.N0(counter.Requests), Fmt.N0(n)]);
        }

        await Measure("minutes, 240", "cumulative", async () => (await flows.ReadMinutesAsync("SPY", last - 239, last, default)).Count);
        await Measure("minutes, 10,080", "cumulative", async () => (await flows.ReadMinutesAsync("SPY", last - 10_079, last, default)).Count);
        await Measure("0DTE cells, 390", "strike-flow", async () => (await flows.ReadZeroDteAsync("SPY", last - 389, last, default)).Count);
        await Measure("contracts of the day", "summary, anomaly", async () => (await flows.ReadContractsAsync("SPY", Date, default)).Count);
        await Measure("chain of the day", "summary, anomaly", async () => (await flows.ReadChainAsync("SPY", Date, default))?.Contracts.Count ?? 0);
        await Measure("spot", "summary, anomaly, strike-flow", async () => (await flows.ReadSpotAsync("SPY", default)) is null ? 0 : 1);
        foreach (var window in new[] { 15, 60, 61, 240, 390, 1_440, 10_080 })
        {
            await Measure($"window totals, {Fmt.N0(window)}", "leaderboard snapshot", async () => (await flows.ReadWindowTotalsAsync(last - window + 1, last, default)).Count);
        }

        section.AppendLine($"Reads for SPY at {now:HH:mm} UTC, each counted the same way (\"rows\" is what the read returns: minutes with prints, 0DTE strike cells, contracts, chain contracts, symbols):").AppendLine();
        section.AppendLine(Report.Table(["read", "endpoint", "requests", "rows"], rows));
    }
}

/// <summary>A wall clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
