using System.Diagnostics;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Ingest;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The memory store's working set over a full week of the simulator's 6,000-name universe (docs/api.md "Retention":
/// the memory store keeps 5 trading days, so a week is the most it holds): Monday to Friday at the full print rate,
/// every event the simulator writes (morning chains and their hourly refreshes, spot ticks, prints, cancels) through
/// the ingest pipeline in batches of 1,000 on one lane, pruned after each day as the running app's hourly prune would.
/// After Friday the managed heap is measured after a full compacting collection, beside the heap before the store
/// existed, and the process's resident set beside the 8 GiB target. In process, no HTTP: this is what the store and the
/// pipeline's market state hold, the standalone app's own share of its memory.
/// </summary>
public sealed class MemoryWeekSuite(Report report)
{
    private const int Symbols = 6_000;
    private const int BatchSize = 1_000;
    private const long Target = 8L << 30;
    private static readonly DateOnly Friday = new(2026, 6, 5);

    public async Task RunAsync()
    {
        Console.WriteLine($"Memory store over a week of {Symbols:N0} names...");
        var before = Heap();
        var time = new FixedTime(NewYorkTime.CloseUtc(Friday));
        var clock = Functions.Hosting.MarketClock.Live(time);
        var days = new List<IReadOnlyList<string>>();
        var load = Stopwatch.StartNew();
        using var store = new MemoryFlowStore();
        using var pipeline = new IngestPipeline(store, new MemoryDeadLetterStore(), clock, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
        long prints = 0, events = 0, held = 0;
        for (var date = Friday.AddDays(-4); date <= Friday; date = date.AddDays(1))
        {
            time.Now = NewYorkTime.CloseUtc(date).AddMinutes(1);
            var started = Stopwatch.StartNew();
            var (dayPrints, dayEvents, chains) = await LoadDayAsync(pipeline, date);
            await store.PruneAsync(time.Now, default);
            prints += dayPrints;
            events += dayEvents;
            held = Heap() - before;
            days.Add([$"{date:ddd yyyy-MM-dd}", Fmt.N0(dayEvents), Fmt.N0(dayPrints), Fmt.N0(chains), Fmt.F(started.Elapsed.TotalSeconds, 0), Fmt.Mb(held)]);
            Console.WriteLine($"  {date:ddd yyyy-MM-dd}: {dayEvents:N0} events ({dayPrints:N0} prints, {chains:N0} chain events), heap held {Fmt.Mb(held)}");
        }

        load.Stop();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var resident = self.WorkingSet64;
        report.Add(new Figure(
            $"memory store, a week of {Symbols:N0} names ({Fmt.N0(prints)} prints): process resident set",
            Fmt.Mb(resident),
            $"managed heap the store and pipeline hold: {Fmt.Mb(held)}",
            null,
            Goal.AtMost,
            Target,
            "≤ 8 GiB",
            resident));

        var section = report.Section($"Memory store over a week of {Symbols:N0} names");
        section.AppendLine($"Monday {Friday.AddDays(-4):yyyy-MM-dd} to Friday {Friday:yyyy-MM-dd}: the simulator's {Symbols:N0}-name universe (seed 1) at its full print rate, every event it writes, {Fmt.N0(events)} events in all, through the ingest pipeline into a memory store (retention 5 trading days) in batches of {BatchSize:N0}, pruned after each day ({Fmt.F(load.Elapsed.TotalSeconds, 0)} s to load). \"Heap held\" is the managed heap after a full compacting collection less the heap before the store was made. The store keeps, besides the aggregates, every counted print of the retained days (the ledger), every chain event and every quoted spot (docs/storage.md \"History\"); the pipeline keeps the market state (latest chain per name and date, spots).").AppendLine();
        section.AppendLine(Report.Table(["day", "events", "prints", "chain events", "seconds", "heap held after the day"], days));
        section.AppendLine($"After Friday: heap held {Fmt.Mb(held)}, process resident set {Fmt.Mb(resident)} (target ≤ 8 GiB).");
    }

    private static async Task<(long Prints, long Events, int Chains)> LoadDayAsync(IngestPipeline pipeline, DateOnly date)
    {
        var simulator = SimulatedDays.Simulator(symbols: Symbols, date: date);
        var tape = new EventBatch();
        foreach (var chain in simulator.MorningChains())
        {
            tape.Order.Add(new EventRef(MarketEventKind.Chain, tape.Chains.Count));
            tape.Chains.Add(chain);
        }

        simulator.AdvanceTo(simulator.SessionClose, tape);
        long accepted = 0, refused = 0;
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start < tape.Order.Count; start += BatchSize)
        {
            var payload = EventJsonWriter.WriteArray(tape, start, Math.Min(BatchSize, tape.Order.Count - start));
            var outcome = await pipeline.IngestAsync(payload, $"week-{date:yyyyMMdd}-{start}", "bench", default);
            accepted += outcome.Receipt.Accepted;
            refused += outcome.Receipt.Rejected;
            reasons.UnionWith(outcome.Receipt.Errors.Select(e => e.Reason));
        }

        if (refused > 0)
        {
            // The simulator writes only valid events; a refusal means the load measured something else.
            throw new InvalidOperationException($"{date}: {refused:N0} of {tape.Order.Count:N0} events were refused: {string.Join("; ", reasons.Take(5))}");
        }

        return (tape.Trades.Count, tape.Order.Count, tape.Chains.Count);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
