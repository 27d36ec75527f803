using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// Closes the minutes of the stream (docs/api.md "Live flow stream"): once a minute has ended and
/// <see cref="StreamOptions.CloseGraceSeconds"/> have passed, it reads every symbol's tally of that minute, reads each
/// of those symbols at the close (the flow-anomaly score, the regime, the flow direction) and journals the finals and
/// the alerts (<see cref="MinuteClose"/>) together with the day's new state. Any instance may run it at any time: the
/// journal takes a close only if the state is still the one it was computed from, so a minute is closed once. Stretches
/// without prints are skipped in one write. Thread-safe; one run at a time per process.
/// </summary>
public sealed partial class MinuteCloser(
    IFlowStore store,
    IStreamJournal journal,
    MarketClock clock,
    PricingParameters pricing,
    IOptions<StreamOptions> options,
    FeedStatus feed,
    ILogger<MinuteCloser> logger)
{
    /// <summary>How many minutes one read checks for prints when skipping a quiet stretch.</summary>
    private const int SkipSpan = 60;

    /// <summary>Symbols read at once at a close.</summary>
    private const int ReadParallelism = 8;

    private int _running;

    /// <summary>The last minute that may close at <paramref name="now"/>: it ended at least the grace ago.</summary>
    public long LastDue(DateTimeOffset now) => MinuteBucket.Of(now - TimeSpan.FromSeconds(Math.Max(0, options.Value.CloseGraceSeconds))) - 1;

    /// <summary>Closes every minute of today that is due and not yet closed (none while this process's feed backfills); returns how many writes it made.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken)
    {
        if (!feed.CaughtUp || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return 0;
        }

        try
        {
            var now = clock.Now;
            var day = NewYorkTime.TradingDate(now);
            var due = Math.Min(LastDue(now), StreamDayState.Initial(day.AddDays(1)).LastClosedMinute);
            var writes = 0;
            while (true)
            {
                var version = await journal.ReadStateAsync(day, cancellationToken);
                var next = version.State.LastClosedMinute + 1;
                if (next > due)
                {
                    return writes;
                }

                var quietEnd = Math.Min(due, next + SkipSpan - 1);
                if ((await store.ReadWindowTotalsAsync(next, quietEnd, cancellationToken)).Count == 0)
                {
                    // Nothing printed in the stretch: the state moves past it, with no events.
                    writes += await journal.TryCloseAsync(day, version, version.State with { LastClosedMinute = quietEnd }, [], cancellationToken) ? 1 : 0;
                    continue;
                }

                var tallies = await store.ReadWindowTotalsAsync(next, next, cancellationToken);
                var reads = await ReadAllAsync(tallies.Select(t => t.Key).ToList(), MinuteBucket.Start(next + 1), cancellationToken);
                var (events, after) = MinuteClose.Close(version.State, next, tallies, reads);
                if (await journal.TryCloseAsync(day, version, after, events, cancellationToken))
                {
                    writes++;
                    var alerts = events.Count - tallies.Count;
                    LogClosed(logger, next, tallies.Count, alerts);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Each symbol's read at <paramref name="at"/>, over today's chain and flow as the endpoints compute it.</summary>
    private async Task<IReadOnlyDictionary<string, SymbolRead>> ReadAllAsync(IReadOnlyList<string> symbols, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var reads = new System.Collections.Concurrent.ConcurrentDictionary<string, SymbolRead>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(symbols, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (symbol, ct) =>
        {
            var (input, _) = await ChainFlowQuery.ReadAsync(new ChainFlowRequest(symbol, null), store, at, pricing, ct);
            if (input is not null)
            {
                reads[symbol] = SymbolRead.Of(input);
            }
        });
        return reads;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream minute {Minute} closed: {Symbols} symbols, {Alerts} alerts")]
    private static partial void LogClosed(ILogger logger, long minute, int symbols, int alerts);
}
