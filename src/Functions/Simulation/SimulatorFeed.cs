using System.Buffers;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Ingest;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Simulation;

/// <summary>
/// Standalone mode's market feed: the built-in simulator for the market clock's trading date. On start it backfills
/// the session from the morning chains up to now, then streams each new stretch of the tape every tick, all through
/// <see cref="IngestPipeline"/> in batches of Event Hubs size, serialized to the wire format of docs/api.md "Events" first so the
/// parser sees exactly what a real feed would send. Batch ids are deterministic (date, seed, event offset), so a
/// restarted app replaying the same session into a persistent store changes nothing twice.
/// </summary>
public sealed partial class SimulatorFeed(
    IngestPipeline pipeline,
    LeaderboardSnapshots snapshots,
    MarketClock clock,
    PricingParameters pricing,
    IOptions<SimulatorFeedOptions> options,
    FeedStatus status,
    ILogger<SimulatorFeed> logger) : BackgroundService
{
    /// <summary>The writer lane (<see cref="Storage.FlowCommit.Lane"/>) of the simulator's batches.</summary>
    public const string Lane = "sim";

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private long _offset;
    private long _ingested;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        status.Backfilling();
        var date = NewYorkTime.TradingDate(clock.Now);
        var simulator = new MarketSimulator(
            new SimulatorOptions { Seed = o.Seed, UniverseSize = Math.Clamp(o.UniverseSize, 1, 6_000), Intensity = o.Intensity, Pricing = pricing },
            date);
        LogStarting(logger, date, simulator.Universe.Count, clock.IsReplay, clock.Behind);

        var pending = new EventBatch();
        var chains = simulator.MorningChains();
        while (!await TryIngestChainsAsync(date, o, chains, stoppingToken))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), clock.WallClock, stoppingToken);
        }

        simulator.AdvanceTo(clock.Now, pending);
        while (pending.Order.Count > 0)
        {
            await IngestWithRetryAsync(date, o, pending, stoppingToken);
            if (pending.Order.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock.WallClock, stoppingToken);
            }
        }

        LogBackfilled(logger, _ingested, clock.Now);
        status.Live();
        try
        {
            await snapshots.RefreshAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, o.TickMilliseconds)), clock.WallClock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (pending.Order.Count == 0)
            {
                simulator.AdvanceTo(clock.Now, pending);
            }

            await IngestWithRetryAsync(date, o, pending, stoppingToken);
            if (pending.Order.Count == 0 && clock.Now >= simulator.SessionClose)
            {
                LogClosed(logger, date);
                return;
            }
        }
    }

    /// <summary>The morning chains, a few per batch (each is a whole strip); false when the store failed (retried whole).</summary>
    private async Task<bool> TryIngestChainsAsync(DateOnly date, SimulatorFeedOptions o, IReadOnlyList<ChainEvent> chains, CancellationToken ct)
    {
        _offset = 0;
        try
        {
            await IngestChainsAsync(date, o, chains, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
            return false;
        }
    }

    private async Task IngestChainsAsync(DateOnly date, SimulatorFeedOptions o, IReadOnlyList<ChainEvent> chains, CancellationToken ct)
    {
        for (var start = 0; start < chains.Count; start += 8)
        {
            var count = Math.Min(8, chains.Count - start);
            await SendAsync(date, o, _offset, count, (w, i) => EventJsonWriter.Write(w, chains[start + i]), ct);
            _offset += count;
        }
    }

    /// <summary>
    /// Sends what <paramref name="pending"/> holds in batches and clears it. On a failure it keeps the stretch whole:
    /// the next call resends it with the same batch boundaries and ids, so the batches that did commit are no-ops.
    /// </summary>
    private async Task IngestWithRetryAsync(DateOnly date, SimulatorFeedOptions o, EventBatch pending, CancellationToken ct)
    {
        var order = pending.Order;
        var size = Math.Max(1, o.BatchSize);
        try
        {
            for (var start = 0; start < order.Count; start += size)
            {
                await SendAsync(date, o, _offset + start, Math.Min(size, order.Count - start), (w, i) => EventJsonWriter.Write(w, pending, order[start + i]), ct);
            }

            _offset += order.Count;
            pending.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    /// <summary>Serializes <paramref name="events"/> events as one JSON array and ingests it under its offset's batch id.</summary>
    private async Task SendAsync(DateOnly date, SimulatorFeedOptions o, long offset, int events, Action<Utf8JsonWriter, int> write, CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer))
        {
            w.WriteStartArray();
            for (var i = 0; i < events; i++)
            {
                write(w, i);
            }

            w.WriteEndArray();
        }

        var batchId = $"sim-{date:yyyyMMdd}-{o.Seed}-{o.UniverseSize}-{offset}";
        var outcome = await pipeline.IngestAsync(_buffer.WrittenMemory, batchId, Lane, ct);
        if (!outcome.Replayed)
        {
            _ingested += events;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator starting for {TradingDate:yyyy-MM-dd} with {Symbols} underlyings (replay {Replay}, market clock {Behind} behind)")]
    private static partial void LogStarting(ILogger logger, DateOnly tradingDate, int symbols, bool replay, TimeSpan behind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator backfilled {Events} events up to {MarketTime:u}; streaming live")]
    private static partial void LogBackfilled(ILogger logger, long events, DateTimeOffset marketTime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated session of {TradingDate:yyyy-MM-dd} has closed; the feed stops")]
    private static partial void LogClosed(ILogger logger, DateOnly tradingDate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator batch failed; the stretch is resent on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
