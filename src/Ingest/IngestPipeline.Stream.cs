using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace FlowFunctions.Ingest;

// What a batch puts on the live stream (docs/api.md "Live flow stream"): its block prints before the commit, and the
// corrections of closed minutes it changed after it.
public sealed partial class IngestPipeline
{
    /// <summary>How many times the corrections of a batch are computed again when a close or another batch replaced the day's stream state first.</summary>
    private const int MaxRevisionAttempts = 20;

    /// <summary>
    /// The batch's block prints into the stream journal, once per batch id and trading day, before the commit: a batch
    /// delivered again after a failed commit finds its blocks journaled and adds none (docs/api.md "Live flow stream").
    /// </summary>
    private async Task JournalBlocksAsync(string batchId, FlowFold fold, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (journal is null)
        {
            return;
        }

        // A past day being loaded (docs/api.md "History") is no live flow: only today's prints go on the stream.
        var rule = blockRule ?? BlockRule.Default;
        var today = NewYorkTime.TradingDate(now);
        foreach (var day in rule.Blocks(fold).Where(b => b.TradingDate == today).GroupBy(b => b.TradingDate))
        {
            var events = day.Select(b => new StreamRecord(StreamEventKind.Block, b.Print.Symbol, StreamEvents.Block(b.Print))).ToList();
            await journal.AppendAsync(day.Key, batchId, events, cancellationToken);
        }
    }

    /// <summary>
    /// Corrections on the stream (docs/api.md "Live flow stream", "Corrections"): for each closed minute the batch
    /// changed (a late print, a cancel), the revised finals of its symbol from that minute on, journaled with the day's
    /// state so the next close counts on from the corrected running net volume (<see cref="MinuteClose.Revise"/>). A
    /// minute that has ended but is not closed yet gets its state's version bumped instead, so that a close computed
    /// from the tallies before this batch cannot be written, and is computed again. The batch is committed by now: a
    /// storage failure here is logged, and leaves the stream without the correction (the REST answers have it).
    /// </summary>
    private async Task JournalRevisionsAsync(FlowFold fold, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (journal is null)
        {
            return;
        }

        var current = MinuteBucket.Of(now);
        var touched = fold.Minutes.Keys.Select(k => (k.Symbol, k.Minute))
            .Concat(fold.Cancels.Select(c => (Symbol: c.Underlying, Minute: MinuteBucket.Of(c.Timestamp))))
            .Where(t => t.Minute < current)
            .Distinct()
            .GroupBy(t => NewYorkTime.TradingDate(MinuteBucket.Start(t.Minute)))
            .Where(day => day.Key == NewYorkTime.TradingDate(now)); // a past day's finals were never streamed
        try
        {
            foreach (var day in touched)
            {
                await ReviseDayAsync(day.Key, [.. day], cancellationToken);
            }
        }
        catch (StoreException e)
        {
            LogRevisionFailed(logger, e);
        }
    }

    private async Task ReviseDayAsync(DateOnly day, IReadOnlyList<(string Symbol, long Minute)> touched, CancellationToken cancellationToken)
    {
        var dayStart = MinuteBucket.Of(NewYorkTime.ToUtc(day, TimeOnly.MinValue));
        for (var attempt = 0; attempt < MaxRevisionAttempts; attempt++)
        {
            var version = await journal!.ReadStateAsync(day, cancellationToken);
            var state = version.State;
            var events = new List<StreamRecord>();
            foreach (var symbol in touched.Where(t => t.Minute <= state.LastClosedMinute).GroupBy(t => t.Symbol, StringComparer.Ordinal))
            {
                var minutes = await store.ReadMinutesAsync(symbol.Key, dayStart, state.LastClosedMinute, cancellationToken);
                var (revisions, after) = MinuteClose.Revise(state, day, symbol.Key, [.. symbol.Select(t => t.Minute)], minutes);
                events.AddRange(revisions);
                state = after;
            }

            // Ended minutes not closed yet: the same state under a new version makes a close begun before this batch fail.
            var open = touched.Any(t => t.Minute > state.LastClosedMinute);
            if (events.Count == 0 && !open)
            {
                return;
            }

            if (await journal.TryCloseAsync(day, version, state, events, cancellationToken))
            {
                IngestMetrics.Revisions.Add(events.Count);
                return;
            }
        }

        LogRevisionContended(logger, day, MaxRevisionAttempts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch is committed, but its corrections of closed stream minutes could not be journaled; the REST answers have them")]
    private static partial void LogRevisionFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream state of {Day} kept changing under {Attempts} attempts to journal a batch's corrections; they were not journaled")]
    private static partial void LogRevisionContended(ILogger logger, DateOnly day, int attempts);
}
