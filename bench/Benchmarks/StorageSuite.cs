using System.Diagnostics;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Ingest;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// What storage costs per print, at 64 names (the simulated full-market day) and at 6,000 (the simulator's wide
/// universe, its print rate scaled down): each tape through the Event Hubs trigger's own code
/// (<see cref="EventHubIngest"/>: delivery claims, then the ingest pipeline and the Azure store) on Azurite, in
/// deliveries of 1,000 messages on four partitions, one after another, with every storage request counted by a
/// pipeline policy (each request is one billed transaction; an entity-group transaction counts one) and every row the
/// store writes measured (bytes the batches changed, entity bytes sent). Then each endpoint's reads on the 64-name day,
/// counted the same way (the query plan of docs/storage.md).
/// </summary>
public sealed class StorageSuite(Report report)
{
    private const int Partitions = 4;

    /// <summary>
    /// The 6,000-name tape is the morning chains and the session's first 61 minutes at full print rate: about 270,000
    /// prints, the first hourly chain refresh of every name, and the hour's spot ticks, so it loads in minutes.
    /// </summary>
    private const int WideMinutes = 61;

    /// <summary>The slice of the 64-name day whose cancels are measured: long enough to hold a few dozen.</summary>
    private const int CancelSliceMinutes = 60;
    private static readonly DateOnly Date = new(2026, 6, 5);

    /// <summary>Minutes of a session, to scale the wide tape's first hour to a day (prints come at about an even rate).</summary>
    private const int SessionMinutes = 390;

    /// <summary>List prices of Table Storage, LRS, pay-as-you-go (USD): capacity per GB-month and transactions per 10,000.</summary>
    private const double TableGbMonth = 0.045;
    private const double TablePer10kTransactions = 0.00036;
    private const double TradingDaysPerMonth = 21;

    public async Task RunAsync()
    {
        Console.WriteLine("Storage transactions on Azurite...");
        await using var azurite = await AzuriteProcess.StartAsync();
        // The prints' cost on the tapes without their cancels; a cancel's apart, on a slice with and without them.
        var market = await LoadAsync(64, null, SimulatedDays.WithoutCancels);
        var wide = await LoadAsync(6_000, WideMinutes, SimulatedDays.WithoutCancels);
        var sliceWith = await LoadAsync(64, CancelSliceMinutes, TapeRealism.Default);
        var sliceWithout = await LoadAsync(64, CancelSliceMinutes, SimulatedDays.WithoutCancels);
        sliceWith.Flows.Dispose();
        sliceWithout.Flows.Dispose();
        var perCancel = (sliceWith.Requests - sliceWithout.Requests) / (double)sliceWith.Cancels;

        report.Add(new Figure(
            "storage transactions per 1,000 prints (Azurite, full-market day, batches of 1,000)",
            Fmt.F(market.TransactionsPerThousand, 2),
            $"6,000 names: {Fmt.F(wide.TransactionsPerThousand, 2)}",
            null,
            Goal.AtMost,
            20,
            "≤ 20 (64 names)",
            market.TransactionsPerThousand));
        report.Add(new Figure(
            "of which the duplicate check: print-id row transactions per 1,000 prints (64 names)",
            Fmt.F(market.Stats.PrintIdTransactions * 1_000.0 / market.Prints, 2),
            $"6,000 names: {Fmt.F(wide.Stats.PrintIdTransactions * 1_000.0 / wide.Prints, 2)}; reads: none in the steady state",
            null,
            Goal.Report,
            0,
            "inside the ≤ 20 above",
            market.Stats.PrintIdTransactions * 1_000.0 / market.Prints));
        report.Add(new Figure(
            $"storage transactions per cancel (64 names, first {CancelSliceMinutes} minutes: with its cancels less without)",
            Fmt.F(perCancel, 1),
            $"{Fmt.N0(sliceWith.Requests - sliceWithout.Requests)} more for {Fmt.N0(sliceWith.Cancels)} cancels",
            null,
            Goal.AtMost,
            12,
            "≤ 12",
            perCancel));
        foreach (var load in new[] { market, wide })
        {
            report.Add(new Figure(
                $"write amplification, {Fmt.N0(load.Names)} names: entity bytes sent ÷ bytes the batches changed",
                $"{Fmt.F(load.Amplification, 2)}x",
                $"{Fmt.N0(load.Stats.EntityBytes)} B sent for {Fmt.N0(load.Stats.ChangedBytes)} B changed",
                null,
                Goal.AtMost,
                2,
                "≤ 2x",
                load.Amplification));
        }

        // What a retained day keeps in the table, and what it costs a month at list prices (docs/storage.md "Cost"): the
        // 64-name day, read back row by row. (Reading back the 6,000-name hour's rows this way takes Azurite longer than
        // the whole suite; its figure is scaled from its write statistics instead, below.)
        var (storedRows, storedBytes) = market.Stored;
        var dayTransactions = market.Requests + (storedRows / (double)StoreTable.MaxTransactionSize); // ingest, then the prune's deletes
        var monthly = (storedBytes * AzureFlowStore.DefaultRetentionTradingDays / 1e9 * TableGbMonth) + (dayTransactions * TradingDaysPerMonth / 10_000 * TablePer10kTransactions);
        report.Add(new Figure(
            "Table Storage per retained day, 64 names (the whole simulated day): stored bytes",
            $"{Fmt.F(storedBytes / 1e6, 1)} MB",
            $"{Fmt.N0(storedRows)} rows, {Fmt.N0(dayTransactions)} transactions; {AzureFlowStore.DefaultRetentionTradingDays} retained days: ${Fmt.F(monthly, 2)} a month at ${TableGbMonth}/GB-month and ${TablePer10kTransactions}/10,000 transactions",
            null,
            Goal.Report,
            0,
            "report",
            storedBytes));

        // The 6,000-name hour: the entity bytes its batches sent, less nothing (an upper bound of what it keeps: deltas
        // later compacted were sent and replaced), scaled to a session.
        var wideScale = SessionMinutes / (double)WideMinutes;
        var wideDayBytes = wide.Stats.EntityBytes * wideScale;
        var wideDayTransactions = wide.Requests * wideScale;
        var wideMonthly = (wideDayBytes * AzureFlowStore.DefaultRetentionTradingDays / 1e9 * TableGbMonth) + (wideDayTransactions * TradingDaysPerMonth / 10_000 * TablePer10kTransactions);
        report.Add(new Figure(
            $"Table Storage per retained day, 6,000 names (its first {WideMinutes} minutes x {Fmt.F(wideScale, 2)}): entity bytes sent, an upper bound of bytes kept",
            $"{Fmt.F(wideDayBytes / 1e6, 1)} MB",
            $"{Fmt.N0(wideDayTransactions)} transactions; {AzureFlowStore.DefaultRetentionTradingDays} retained days: at most ${Fmt.F(wideMonthly, 2)} a month",
            null,
            Goal.Report,
            0,
            "report",
            wideDayBytes));

        foreach (var load in new[] { market, wide })
        {
            report.Add(new Figure(
                $"ingest through EventHubIngest on Azurite, {Fmt.N0(load.Names)} names, one delivery at a time, prints/s",
                Fmt.N0(load.PrintsPerSecond),
                $"{Fmt.N0(load.Prints)} prints in {Fmt.F(load.Seconds, 1)} s",
                null,
                Goal.Report,
                0,
                "report",
                load.PrintsPerSecond));
        }

        var section = report.Section("Storage transactions and bytes (Azurite)");
        section.AppendLine($"Two tapes of {Date:yyyy-MM-dd} (seed 1) through `EventHubIngest` (the trigger's code: delivery claims, ingest pipeline, Azure store) into Azurite, in deliveries of up to 1,000 messages on {Partitions} partitions, one at a time: the full-market day of 64 names, and the simulator's 6,000-name universe at its full print rate from the morning chains to {WideMinutes} minutes after the open (so it holds the first hourly chain refresh of every name; a whole day would take an hour on Azurite). Every message counts toward a delivery, prints, spot ticks and chains alike; the 6,000-name tape has about one spot tick per print and a chain per name at 09:25 and 10:30. A `StorageRequestCounter` pipeline policy counts every request (each one billed storage transaction; an entity-group transaction counts one) and its body bytes; the store's row writer counts the rows it wrote and their bytes. \"Changed\" is the batches' own deltas as encoded (each changed record with its key); \"entity bytes\" is what the service counts for the entities sent (keys, property names and values, docs/storage.md \"Service limits\"); \"wire bytes\" are the request bodies, JSON, base64 and multipart framing included, of every request (receipts, delivery claims and chain blobs too). Both tapes are without the simulator's cancels (docs/simulated-tape.md), so the figures are the prints'; a cancel's cost is measured apart, as the requests a {CancelSliceMinutes}-minute slice of the 64-name day takes with its cancels less those it takes without them, divided by its cancels.").AppendLine();
        section.AppendLine(Report.Table(
            ["", "64 names", "6,000 names"],
            [
                ["prints", Fmt.N0(market.Prints), Fmt.N0(wide.Prints)],
                ["deliveries", Fmt.N0(market.Deliveries), Fmt.N0(wide.Deliveries)],
                ["storage transactions per 1,000 prints", Fmt.F(market.TransactionsPerThousand, 2), Fmt.F(wide.TransactionsPerThousand, 2)],
                ["of which print-id row transactions (the duplicate check)", Fmt.F(market.Stats.PrintIdTransactions * 1_000.0 / market.Prints, 2), Fmt.F(wide.Stats.PrintIdTransactions * 1_000.0 / wide.Prints, 2)],
                ["of which table transactions (rows)", Fmt.F(market.ByKind.GetValueOrDefault("table transaction") * 1_000.0 / market.Prints, 2), Fmt.F(wide.ByKind.GetValueOrDefault("table transaction") * 1_000.0 / wide.Prints, 2)],
                ["rows written per 1,000 prints (inserts / deltas / compactions)", Row(market), Row(wide)],
                ["bytes changed per 1,000 prints", Fmt.N0(market.Stats.ChangedBytes * 1_000.0 / market.Prints), Fmt.N0(wide.Stats.ChangedBytes * 1_000.0 / wide.Prints)],
                ["entity bytes sent per 1,000 prints", Fmt.N0(market.Stats.EntityBytes * 1_000.0 / market.Prints), Fmt.N0(wide.Stats.EntityBytes * 1_000.0 / wide.Prints)],
                ["write amplification (entity bytes ÷ changed)", $"{Fmt.F(market.Amplification, 2)}x", $"{Fmt.F(wide.Amplification, 2)}x"],
                ["wire bytes per 1,000 prints (all requests)", Fmt.N0(market.WireBytes * 1_000.0 / market.Prints), Fmt.N0(wide.WireBytes * 1_000.0 / wide.Prints)],
                ["sustained ingest, prints/s", Fmt.N0(market.PrintsPerSecond), Fmt.N0(wide.PrintsPerSecond)],
                ["delivery commit p50 / p99 ms", $"{Fmt.Ms(market.P50)} / {Fmt.Ms(market.P99)}", $"{Fmt.Ms(wide.P50)} / {Fmt.Ms(wide.P99)}"],
            ]));
        section.AppendLine("Requests by kind, per delivery:").AppendLine();
        section.AppendLine(Report.Table(
            ["request kind", "64 names", "6,000 names"],
            market.ByKind.Keys.Union(wide.ByKind.Keys).Order(StringComparer.Ordinal)
                .Select(k => (IReadOnlyList<string>)[k, PerDelivery(market, market.ByKind.GetValueOrDefault(k)), PerDelivery(wide, wide.ByKind.GetValueOrDefault(k))])
                .Append(["total", PerDelivery(market, market.Requests), PerDelivery(wide, wide.Requests)])));

        var flows = market.Flows;
        var counter = market.Counter;
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

        section.AppendLine($"Reads for SPY at {now:HH:mm} UTC on the 64-name day, each counted the same way (\"rows\" is what the read returns: minutes with prints, 0DTE strike cells, contracts, chain contracts, symbols):").AppendLine();
        section.AppendLine(Report.Table(["read", "endpoint", "requests", "rows"], rows));
        market.Flows.Dispose();
        wide.Flows.Dispose();

        static string PerDelivery(Load load, long count) => Fmt.F((double)count / load.Deliveries, 2);

        static string Row(Load load) =>
            $"{Fmt.F(load.Stats.Rows * 1_000.0 / load.Prints, 1)} ({Fmt.F(load.Stats.Inserts * 1_000.0 / load.Prints, 1)} / {Fmt.F(load.Stats.Deltas * 1_000.0 / load.Prints, 1)} / {Fmt.F(load.Stats.Compactions * 1_000.0 / load.Prints, 2)})";
    }

    /// <summary>One tape of <paramref name="names"/> names through the trigger's code into a fresh prefix, measured.</summary>
    /// <param name="minutes">Only the morning chains and the first minutes of the session; null for the whole day.</param>
    private static async Task<Load> LoadAsync(int names, int? minutes, TapeRealism realism)
    {
        var counter = new StorageRequestCounter();
        var storage = AzureStorage.FromConnectionString("UseDevelopmentStorage=true", "bench" + Guid.NewGuid().ToString("N")[..8], counter);
        var flows = storage.CreateFlowStore();
        var deadLetters = storage.CreateDeadLetterStore();
        var tape = SessionTape.Simulate(Date, names, TimeSpan.Zero, notAfter: minutes is { } m ? NewYorkTime.OpenUtc(Date).AddMinutes(m) : null, realism: realism);
        Console.WriteLine($"  {names} names: {tape.Prints:N0} prints...");
        var clock = MarketClock.Live(new FixedTime(NewYorkTime.CloseUtc(Date).AddMinutes(5)));
        using var pipeline = new IngestPipeline(flows, deadLetters, clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
        var ingest = new EventHubIngest(pipeline, storage.CreateDeliveryLog(), clock.WallClock, NullLogger<EventHubIngest>.Instance);

        // Create the tables and containers first: a deployment does that once, not per batch.
        await ingest.IngestAsync(new EventHubDelivery("warm-up", "warm-up", "warm-up", "0", [new EventHubMessage("{}"u8.ToArray(), 0)]), default);
        counter.Reset();
        flows.WriteStats.Reset();

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
        return new Load(
            names,
            tape.Prints,
            tape.Cancels,
            deliveries.Sum(p => p.Count),
            total.Elapsed.TotalSeconds,
            counter.Requests,
            counter.BodyBytes,
            counter.ByKind,
            flows.WriteStats,
            Fmt.Percentile(latencies, 0.5),
            Fmt.Percentile(latencies, 0.99),
            flows,
            counter,
            minutes is null ? await StoredAsync(storage) : (0, 0));
    }

    /// <summary>Every row of the flow table and its size as the service counts it (docs/storage.md "Service limits").</summary>
    private static async Task<(long Rows, long Bytes)> StoredAsync(AzureStorage storage)
    {
        var (rows, bytes) = (0L, 0L);
        for (var shard = 0; shard < 4; shard++)
        {
            await foreach (var entity in storage.Table(AzureFlowStore.FlowTable).QueryAllAsync($"PartitionKey eq {"f" + shard.ToString(System.Globalization.CultureInfo.InvariantCulture)}", null, default))
            {
                rows++;
                bytes += AzureLimits.EntityBytes(entity);
            }
        }

        return (rows, bytes);
    }

    /// <summary>What one tape cost.</summary>
    private sealed record Load(
        int Names,
        long Prints,
        int Cancels,
        int Deliveries,
        double Seconds,
        long Requests,
        long WireBytes,
        IReadOnlyDictionary<string, long> ByKind,
        FlowWriteStats Stats,
        double P50,
        double P99,
        AzureFlowStore Flows,
        StorageRequestCounter Counter,
        (long Rows, long Bytes) Stored)
    {
        public double TransactionsPerThousand => Requests * 1_000.0 / Prints;

        public double Amplification => Stats.ChangedBytes == 0 ? double.NaN : (double)Stats.EntityBytes / Stats.ChangedBytes;

        public double PrintsPerSecond => Prints / Seconds;
    }
}

/// <summary>A wall clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
