using System.Diagnostics;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Ingest;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The snapshot job (<see cref="SnapshotJob"/>: every standard leaderboard window up to 10,080 minutes, then pruning)
/// over a 6,000-name market on Azurite. A week (Monday to Friday) of the simulator's 6,000-name universe at a reduced
/// print rate is ingested through the pipeline on four lanes, pruned after each day as the running app's hourly prune
/// would, then the job runs at 15:59:30 on Friday on a fresh store instance (nothing cached, as on a new instance) and
/// again on the warm one.
/// </summary>
public sealed class SnapshotSuite(Report report, BenchOptions options)
{
    private const int Symbols = 6_000;
    private const int Lanes = 4;
    private static readonly DateOnly Friday = new(2026, 6, 5);

    public async Task RunAsync()
    {
        Console.WriteLine($"Snapshot job over {Symbols:N0} names on Azurite (populating a week at intensity {options.SnapshotIntensity})...");
        await using var azurite = await AzuriteProcess.StartAsync();
        var prefix = "snap" + Guid.NewGuid().ToString("N")[..8];
        var time = new FixedTime(NewYorkTime.CloseUtc(Friday));
        var clock = MarketClock.Live(time);
        var prints = 0L;
        var populate = Stopwatch.StartNew();
        var writer = AzureStorage.FromConnectionString("UseDevelopmentStorage=true", prefix);
        using (var flows = writer.CreateFlowStore())
        using (var pipeline = new IngestPipeline(flows, writer.CreateDeadLetterStore(), clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance))
        {
            for (var date = Friday.AddDays(-4); date <= Friday; date = date.AddDays(1))
            {
                time.Now = NewYorkTime.CloseUtc(date).AddMinutes(1);
                var simulator = new MarketSimulator(new SimulatorOptions { Seed = 1, UniverseSize = Symbols, Intensity = options.SnapshotIntensity, ChainRefreshMinutes = 0 }, date);
                var day = new EventBatch();
                simulator.AdvanceTo(simulator.SessionClose, day);
                var lanes = day.Trades.GroupBy(t => SessionTape.PartitionOf(t.Underlying, Lanes)).OrderBy(g => g.Key);
                foreach (var lane in lanes)
                {
                    var trades = lane.ToArray();
                    for (var start = 0; start < trades.Length; start += 1_000)
                    {
                        var chunk = trades.AsSpan(start, Math.Min(1_000, trades.Length - start)).ToArray();
                        var outcome = await pipeline.IngestAsync(SimulatedDays.JsonArray(chunk), $"snap-{date:yyyyMMdd}-{lane.Key}-{start}", $"eh-{lane.Key}", default);
                        prints += outcome.Receipt.Accepted;
                    }
                }

                // What the hourly prune of the running app would have deleted by now, so the measured job meets a steady
                // state rather than a week of stale rows at once.
                await flows.PruneAsync(time.Now, default);
                Console.WriteLine($"  {date:ddd yyyy-MM-dd}: {day.Trades.Count:N0} prints of {day.Trades.Select(t => t.Underlying).Distinct().Count():N0} names");
            }
        }

        populate.Stop();
        time.Now = NewYorkTime.CloseUtc(Friday).AddSeconds(-30);

        // The job on a fresh store instance (a new instance of the app: no cached rows), then twice on the warm one.
        var counter = new StorageRequestCounter();
        var reader = AzureStorage.FromConnectionString("UseDevelopmentStorage=true", prefix, counter);
        using var readerFlows = reader.CreateFlowStore();
        using var readerPipeline = new IngestPipeline(readerFlows, reader.CreateDeadLetterStore(), clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
        var snapshots = new LeaderboardSnapshots(readerFlows, reader.CreateSnapshotStore(), clock, NullLogger<LeaderboardSnapshots>.Instance);
        // The stream's minute closer is held back here (its feed "backfilling"): this suite measures the snapshots; the
        // closer's cost is the stream suite's.
        var journal = reader.CreateStreamJournal();
        var closer = new MinuteCloser(readerFlows, journal, clock, PricingParameters.Default, Options.Create(new StreamOptions()), new FeedStatus(backfilling: true), NullLogger<MinuteCloser>.Instance);
        // No day archive: this suite measures the snapshots (the close is 30 s away anyway).
        var archive = new Functions.Archive.ArchiveJob(readerFlows, null, clock, NullLogger<Functions.Archive.ArchiveJob>.Instance);
        var job = new SnapshotJob(snapshots, readerFlows, new EventHubIngest(readerPipeline, reader.CreateDeliveryLog(), time, NullLogger<EventHubIngest>.Instance), closer, journal, clock, archive);
        var runs = new List<(double Ms, long Requests)>();
        for (var run = 0; run < 3; run++)
        {
            counter.Reset();
            var started = Stopwatch.StartNew();
            var result = await job.RunAsync(default);
            runs.Add((started.Elapsed.TotalMilliseconds, counter.Requests));
            if (result.Windows != LeaderboardSnapshots.StandardWindows.Count)
            {
                throw new InvalidOperationException($"the job rebuilt {result.Windows} windows");
            }
        }

        var longest = await reader.CreateSnapshotStore().GetAsync(10_080, default)
            ?? throw new InvalidOperationException("no 10,080-minute snapshot");
        var names = longest.Board.Buyers.Count + longest.Board.Sellers.Count;
        report.Add(new Figure(
            $"snapshot job, {Symbols:N0} names, windows up to 10,080 minutes (Azurite), fresh instance",
            $"{Fmt.F(runs[0].Ms / 1000, 2)} s",
            "-",
            null,
            Goal.AtMost,
            10_000,
            "≤ 10 s",
            runs[0].Ms));
        var section = report.Section("Snapshot job over 6,000 names (Azurite)");
        section.AppendLine($"Monday {Friday.AddDays(-4):yyyy-MM-dd} to Friday {Friday:yyyy-MM-dd}: the simulator's {Symbols:N0}-name universe (64 core names and synthetic tickers) at intensity {options.SnapshotIntensity} (the print rate scaled down so a week loads in minutes), trades only, {Fmt.N0(prints)} prints through the ingest pipeline on {Lanes} lanes in batches of 1,000, pruned after each day as the app's hourly prune would ({Fmt.F(populate.Elapsed.TotalSeconds, 0)} s to load). The job runs at 15:59:30 New York on Friday: windows {string.Join(", ", LeaderboardSnapshots.StandardWindows.Select(w => Fmt.N0(w)))} minutes, each read from the minute, hour and day rollup rows (docs/storage.md), ranked, and written as a snapshot blob; then pruning. The 10,080-minute snapshot ranked {names} rows (50 a side).").AppendLine();
        section.AppendLine(Report.Table(
            ["run", "seconds", "storage requests"],
            runs.Select((r, i) => (IReadOnlyList<string>)[i == 0 ? "1 (fresh instance: also its first prune, a scan of the partitions)" : $"{i + 1} (warm; the store prunes at most hourly)", Fmt.F(r.Ms / 1000, 2), Fmt.N0(r.Requests)])));
    }
}
