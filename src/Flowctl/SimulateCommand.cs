using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Flowctl.Targets;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl simulate --symbols SPY,QQQ --until 16:00</c>: the app's market simulator (docs/simulated-tape.md) for a
/// New York date, streamed to a target: the morning chains, then the session's spots, prints and chain refreshes up to
/// <c>--until</c> (New York time). At <c>--speed realtime</c> on today's date events go out as the session reaches
/// them (waiting for the open when early); at <c>max</c> or a multiple, as fast as that allows. Batches are named by
/// date, seed and position, so running the same simulation again into the app or storage counts nothing twice.
/// </summary>
public static class SimulateCommand
{
    public static Command Build(StorageArguments storage, IAnsiConsole console, TimeProvider time)
    {
        var targets = new TargetOptions(storage);
        var symbols = new Option<string>("--symbols") { Description = "Comma-separated underlyings of the simulator's universe (default: all 64)" };
        var date = new Option<string?>("--date") { Description = "New York date to simulate, yyyy-MM-dd (default: today there)" };
        var until = new Option<string>("--until") { Description = "New York time to stop at, HH:mm", DefaultValueFactory = _ => "16:00" };
        var speed = new Option<string>("--speed") { Description = "realtime, max, or a multiple such as 60", DefaultValueFactory = _ => "realtime" };
        var seed = new Option<ulong>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per batch", DefaultValueFactory = _ => 500 };
        var command = new Command("simulate", "Stream the market simulator to the app, its storage or an Event Hub.") { symbols, date, until, speed, seed, batchSize };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var day = FlowctlCli.TradingDate(parse.GetValue(date), time);
            var stop = TimeOnly.TryParseExact(parse.GetValue(until), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? NewYorkTime.ToUtc(day, t)
                : throw new FlowctlException($"--until \"{parse.GetValue(until)}\" is not HH:mm.");
            await using var target = targets.Open(parse, time);
            var run = new Run(day, stop, ReplayCommand.ParseSpeed(parse.GetValue(speed)!), parse.GetValue(seed), Math.Clamp(parse.GetValue(batchSize), 1, 5_000), parse.GetValue(symbols));
            var (events, prints, cancels) = await RunAsync(run, target, console, time, ct);
            console.MarkupLineInterpolated($"Sent {events:N0} events ({prints:N0} prints, {cancels:N0} of them cancelled) of {day:yyyy-MM-dd} up to {NewYorkTime.ToNewYork(stop):HH:mm} New York to {target.Identity}.");
            return 0;
        });
        return command;
    }

    public sealed record Run(DateOnly Date, DateTimeOffset Until, double Speed, ulong Seed, int BatchSize, string? Symbols);

    public static async Task<(long Events, long Prints, long Cancels)> RunAsync(Run run, IEventTarget target, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        var simulator = new MarketSimulator(new SimulatorOptions { Seed = run.Seed }, run.Date);
        var known = simulator.Universe.Select(u => u.Symbol).ToHashSet(StringComparer.Ordinal);
        HashSet<string>? wanted = null;
        if (!string.IsNullOrWhiteSpace(run.Symbols))
        {
            wanted = run.Symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
            var unknown = wanted.Where(s => !known.Contains(s)).ToList();
            if (unknown.Count > 0)
            {
                throw new FlowctlException($"Not in the simulator's universe: {string.Join(", ", unknown)}. It has: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }
        }

        // Names the symbol set in batch ids (short, whatever the list: an Idempotency-Key holds at most 255 characters).
        var selection = wanted is null ? "all" : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join(',', wanted.Order(StringComparer.Ordinal)))))[..12];
        long events = 0, prints = 0, cancels = 0, sequence = 0;
        var pending = new List<TapeLine>();
        async Task FlushAsync(bool all)
        {
            while (pending.Count >= run.BatchSize || (all && pending.Count > 0))
            {
                var batch = pending.Take(run.BatchSize).ToList();
                pending.RemoveRange(0, batch.Count);
                await target.SendAsync($"sim-{run.Date:yyyyMMdd}-{run.Seed}-{selection}-{sequence++}", batch, ct);
                events += batch.Count;
            }
        }

        void Add(EventBatch batch)
        {
            foreach (var e in batch.Order)
            {
                var (underlying, ts) = batch.Stamp(e);
                var json = Json(w => EventJsonWriter.Write(w, batch, e));
                var trade = e.Kind == MarketEventKind.Trade;
                if (wanted is null || wanted.Contains(underlying))
                {
                    pending.Add(new TapeLine(pending.Count + events + 1, json, underlying, ts, null));
                    prints += trade ? 1 : 0;
                    cancels += e.Kind == MarketEventKind.Cancel ? 1 : 0; // the simulator busts a print now and then (docs/simulated-tape.md)
                }
            }
        }

        var morning = new EventBatch();
        foreach (var chain in simulator.MorningChains())
        {
            morning.Order.Add(new EventRef(MarketEventKind.Chain, morning.Chains.Count));
            morning.Chains.Add(chain);
        }

        Add(morning);
        await FlushAsync(all: true);

        // Market time advances with the wall clock (realtime on today's date) or from the open at the given speed.
        var started = time.GetUtcNow();
        var live = run.Speed == 1 && run.Date == NewYorkTime.TradingDate(started);
        var cursor = simulator.SessionOpen;
        while (cursor < run.Until && cursor < simulator.SessionClose)
        {
            ct.ThrowIfCancellationRequested();
            var now = time.GetUtcNow();
            var reached = live ? now
                : run.Speed == 0 ? run.Until
                : simulator.SessionOpen + TimeSpan.FromTicks((long)((now - started).Ticks * run.Speed));
            var step = Min(Min(reached, run.Until), cursor.AddMinutes(5));
            if (step <= cursor)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                continue;
            }

            var batch = new EventBatch();
            simulator.AdvanceTo(step, batch);
            cursor = step;
            Add(batch);
            await FlushAsync(all: true);
        }

        return (events, prints, cancels);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
