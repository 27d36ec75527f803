using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace FlowFunctions.Ingest;

/// <summary>What one ingest call did: the batch's receipt, and whether it was a replay of an already committed batch.</summary>
public sealed record IngestOutcome(IngestReceipt Receipt, bool Replayed, string PayloadHash);

/// <summary>
/// The one path every event takes into the store: the ingest endpoint, the simulator feed and the Event Hubs trigger
/// all call <c>IngestAsync</c>. It parses a batch (JSON object, array or NDJSON), dead-letters refused events
/// with their reasons, folds the rest in memory against the market state (spots and chains seen so far), and commits
/// the fold once per batch id. Batches are processed one at a time, in arrival order. Thread-safe.
/// <paramref name="marketTime"/> is the market clock: events are refused by their age against its now.
/// </summary>
public sealed partial class IngestPipeline(
    IFlowStore store,
    IDeadLetterStore deadLetters,
    TimeProvider marketTime,
    PricingParameters pricing,
    ILogger<IngestPipeline> logger,
    IStreamJournal? journal = null,
    BlockRule? blockRule = null) : IDisposable
{
    /// <summary>Reasons reported back per batch; every refused event is dead-lettered regardless.</summary>
    public const int MaxErrorsReported = 20;

    /// <summary>Events stamped further in the future than this are refused (clock skew allowance).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private const int MaxRawBytes = 4_096;

    /// <summary>How many times a batch is folded again after a writer raced it for one of its prints (<see cref="PrintsAlreadyCountedException"/>).</summary>
    private const int MaxRaces = 5;

    /// <summary>Bounds the memory of which chains were looked up (a week of 6,000 names is 42,000).</summary>
    private const int MaxChainsLookedUp = 200_000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SymbolTable _symbols = new();
    private readonly MarketState _market = new();
    /// <summary>Parsed batches kept for reuse (their lists keep their capacity), one per batch in flight at most.</summary>
    private readonly ConcurrentBag<EventBatch> _batches = [];

    /// <summary>Chains (underlying, trading date) already looked up in the store, found or not.</summary>
    private readonly HashSet<(string Symbol, DateOnly Date)> _chainsLookedUp = [];
    private bool _spotsRestored;

    /// <summary>Raised after each attempt to commit a batch to the store (answers cached from before are stale).</summary>
    public event Action? Committed;

    /// <summary>Ingests a batch that is one message: a JSON object, an array, or NDJSON.</summary>
    public Task<IngestOutcome> IngestAsync(ReadOnlyMemory<byte> payload, string batchId, string lane, CancellationToken cancellationToken) =>
        IngestAsync(payload, null, batchId, lane, cancellationToken);

    /// <param name="payload">The batch as it arrived (UTF-8).</param>
    /// <param name="messages">When the payload holds several messages (an Event Hubs batch), where each one is; each is
    /// parsed on its own (<see cref="EventParser.Parse(ReadOnlySpan{byte}, ReadOnlySpan{Range}, EventBatch)"/>).</param>
    /// <param name="batchId">Identifies the batch across redeliveries: the same id commits at most once.</param>
    /// <param name="lane">The writer the batch came through (<see cref="FlowCommit.Lane"/>); a batch id always uses the same lane.</param>
    public async Task<IngestOutcome> IngestAsync(
        ReadOnlyMemory<byte> payload, Range[]? messages, string batchId, string lane, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        // Parsing needs nothing the batches share, so batches from several partitions parse side by side; the fold
        // and the commit, which must see the batches one at a time, wait for the gate.
        var now = marketTime.GetUtcNow();
        var parser = new EventParser(_symbols, new EventParserOptions
        {
            NotBefore = OldestAccepted(now),
            NotAfter = now + FutureTolerance,
        });
        var batch = _batches.TryTake(out var reused) ? reused : new EventBatch();
        batch.Clear();
        if (messages is null)
        {
            parser.Parse(payload.Span, batch);
        }
        else
        {
            parser.Parse(payload.Span, messages, batch);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var prior = await store.FindReceiptAsync(batchId, cancellationToken);
            if (prior is not null)
            {
                LogReplayed(logger, batchId);
                IngestMetrics.Redeliveries.Add(1, IngestMetrics.Lane(lane));
                return new IngestOutcome(prior, true, hash);
            }

            // Duplicate prints are accepted events that count for nothing: the receipt counts them as accepted.
            var receipt = new IngestReceipt(hash, batch.Order.Count, batch.Rejections.Count, Errors(batch), now);

            // Dead letters go first: if the commit then fails, the redelivery finds its letter written (stores keep one per
            // batch id), and no refused event is ever lost.
            if (batch.Rejections.Count > 0)
            {
                await deadLetters.WriteAsync(DeadLetterOf(batchId, now, payload.Span, batch), cancellationToken);
            }

            FlowFold fold;
            CommitResult result;
            var duplicates = 0;
            for (var races = 0; ; races++)
            {
                duplicates += await DropCountedPrintsAsync(batch, batchId, cancellationToken);
                await RestoreMarketAsync(batch, cancellationToken);
                fold = new FlowFold(pricing);
                fold.AddBatch(batch, _market);
                await JournalBlocksAsync(batchId, fold, now, cancellationToken);
                var commit = new FlowCommit(batchId, fold, batch.Chains.ToArray(), SpotsTouched(batch, _market), receipt) { Lane = lane };
                try
                {
                    result = await store.CommitAsync(commit, cancellationToken);
                    break;
                }
                catch (PrintsAlreadyCountedException e) when (races < MaxRaces)
                {
                    // Another writer counted one of these prints between the check and the commit; nothing was written.
                    LogRaced(logger, batchId, e.Count);
                }
                finally
                {
                    // Even a failed commit may have written part of the batch.
                    Committed?.Invoke();
                }
            }

            if (duplicates > 0)
            {
                IngestMetrics.DuplicatePrints.Add(duplicates, IngestMetrics.Lane(lane));
                LogDuplicates(logger, batchId, duplicates);
            }

            LogIngested(logger, batchId, receipt.Accepted, receipt.Rejected, fold.Stats.Prints);
            if (result.Applied && fold.Cancels.Count > 0)
            {
                await AfterCancelsAsync(fold, result, lane, cancellationToken);
            }

            if (result.Applied)
            {
                await JournalRevisionsAsync(fold, now, cancellationToken);
            }

            if (result.Applied)
            {
                IngestMetrics.Prints.Add(fold.Stats.Prints, IngestMetrics.Lane(lane));
                IngestMetrics.DeadLettered.Add(receipt.Rejected, IngestMetrics.Lane(lane));
                IngestMetrics.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, IngestMetrics.Lane(lane));
            }
            else
            {
                IngestMetrics.Redeliveries.Add(1, IngestMetrics.Lane(lane));
            }

            return new IngestOutcome(result.Receipt, !result.Applied, hash);
        }
        finally
        {
            _gate.Release();
            batch.Clear();
            _batches.Add(batch);
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// The oldest time stamp accepted at <paramref name="now"/> (docs/api.md "Events"): the start of the store's first
    /// retained trading date when it keeps history (a past day can be loaded), else the longest window.
    /// </summary>
    private DateTimeOffset OldestAccepted(DateTimeOffset now) => store is IFlowHistory history
        ? NewYorkTime.ToUtc(NewYorkTime.FirstRetainedDate(NewYorkTime.TradingDate(now), history.RetentionTradingDays), TimeOnly.MinValue)
        : now.AddMinutes(-CumulativeFlow.MaxMinutes);

    /// <summary>
    /// Takes out of the batch every print with an id that the store counted under another batch, or that repeats an
    /// earlier print of the batch (docs/api.md "Exactly once per print"); returns how many.
    /// </summary>
    private async Task<int> DropCountedPrintsAsync(EventBatch batch, string batchId, CancellationToken cancellationToken)
    {
        var keys = new List<PrintKey>();
        foreach (var t in batch.Trades)
        {
            if (!t.Id.IsNone)
            {
                keys.Add(KeyOf(t));
            }
        }

        if (keys.Count == 0)
        {
            return 0;
        }

        var counted = await store.FindCountedPrintsAsync(keys, batchId, cancellationToken);
        var seen = new HashSet<PrintKey>(keys.Count);
        return batch.RemoveTrades(t => !t.Id.IsNone && (counted.Contains(KeyOf(t)) || !seen.Add(KeyOf(t))));

        static PrintKey KeyOf(in TradeEvent t) => new(t.Underlying, MinuteBucket.Of(t.Timestamp), t.Id);
    }

    /// <summary>
    /// A cancel may have taken back the print whose spot the market state holds as newest; the store knows the spot
    /// left (docs/methodology.md §13), so the next batch values its prints with that. Counts the cancels.
    /// </summary>
    private async Task AfterCancelsAsync(FlowFold fold, CommitResult result, string lane, CancellationToken cancellationToken)
    {
        foreach (var symbol in fold.Cancels.Select(c => c.Underlying).Distinct(StringComparer.Ordinal))
        {
            _market.ReplaceSpot(symbol, await store.ReadSpotAsync(symbol, cancellationToken));
        }

        IngestMetrics.Cancels.Add(fold.Cancels.Count - result.UnmatchedCancels, IngestMetrics.Lane(lane));
        if (result.UnmatchedCancels > 0)
        {
            IngestMetrics.CancelsUnmatched.Add(result.UnmatchedCancels, IngestMetrics.Lane(lane));
            LogUnmatched(logger, result.UnmatchedCancels);
        }
    }

    /// <summary>
    /// Brings the market state up to what the store holds before a batch is folded, so a new instance (a restart, a
    /// scale-out, a partition moved) values a print without <c>spot</c> or <c>iv</c> exactly as the instance that
    /// folded the earlier batches would: every symbol's newest spot once, on the first batch; the stored chain of each
    /// underlying and trading date the batch mentions, the first time it is mentioned. A failed read fails the batch
    /// (it is delivered again) and is tried again then.
    /// </summary>
    private async Task RestoreMarketAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        if (!_spotsRestored)
        {
            foreach (var (symbol, mark) in await store.ReadSpotsAsync(cancellationToken))
            {
                _market.ObserveSpot(symbol, mark.Price, mark.Timestamp);
            }

            _spotsRestored = true;
        }

        var wanted = new HashSet<(string Symbol, DateOnly Date)>();
        foreach (var trade in batch.Trades)
        {
            Want((trade.Underlying, NewYorkTime.TradingDate(trade.Timestamp)));
        }

        foreach (var chain in batch.Chains)
        {
            Want((chain.Underlying, NewYorkTime.TradingDate(chain.Timestamp)));
        }

        if (wanted.Count == 0)
        {
            return;
        }

        var keys = wanted.ToArray();
        var chains = await Task.WhenAll(keys.Select(k => store.ReadChainAsync(k.Symbol, k.Date, cancellationToken)));
        foreach (var chain in chains)
        {
            if (chain is not null)
            {
                _market.Restore(chain);
            }
        }

        if (_chainsLookedUp.Count > MaxChainsLookedUp)
        {
            _chainsLookedUp.Clear(); // a lookup again later only costs a read: Restore keeps a chain already held
        }

        _chainsLookedUp.UnionWith(keys);

        void Want((string Symbol, DateOnly Date) key)
        {
            if (!_chainsLookedUp.Contains(key) && _market.Chain(key.Symbol, key.Date) is null)
            {
                wanted.Add(key);
            }
        }
    }

    private static List<IngestError> Errors(EventBatch batch)
    {
        var errors = new List<IngestError>(Math.Min(MaxErrorsReported, batch.Rejections.Count));
        foreach (var r in batch.Rejections)
        {
            if (errors.Count == MaxErrorsReported)
            {
                break;
            }

            errors.Add(new IngestError(r.Index, r.Reason));
        }

        return errors;
    }

    private static DeadLetter DeadLetterOf(string batchId, DateTimeOffset now, ReadOnlySpan<byte> payload, EventBatch batch)
    {
        var events = new DeadLetterEvent[batch.Rejections.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var r = batch.Rejections[i];
            var offset = Math.Clamp(r.Offset, 0, payload.Length);
            var raw = payload.Slice(offset, Math.Clamp(r.Length, 0, Math.Min(MaxRawBytes, payload.Length - offset)));
            events[i] = new DeadLetterEvent(r.Index, r.Reason, Encoding.UTF8.GetString(raw));
        }

        return new DeadLetter(batchId, now, events);
    }

    /// <summary>The newest spot the market state holds for each underlying the batch mentioned.</summary>
    private static Dictionary<string, SpotMark> SpotsTouched(EventBatch batch, MarketState market)
    {
        var spots = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
        foreach (var t in batch.Trades)
        {
            Touch(t.Underlying);
        }

        foreach (var s in batch.Spots)
        {
            Touch(s.Underlying);
        }

        foreach (var c in batch.Chains)
        {
            Touch(c.Underlying);
        }

        return spots;

        void Touch(string symbol)
        {
            if (!spots.ContainsKey(symbol) && market.TryGetSpot(symbol, out var mark))
            {
                spots[symbol] = mark;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId}: {Accepted} events accepted, {Rejected} refused, {Prints} prints folded")]
    private static partial void LogIngested(ILogger logger, string batchId, int accepted, int rejected, long prints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} cancels named no print the store holds (cancelled before it arrived, after its trading date left the store, or twice); they changed nothing")]
    private static partial void LogUnmatched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId}: {Count} prints were dropped as duplicates of prints already counted (same underlying, minute and id)")]
    private static partial void LogDuplicates(ILogger logger, string batchId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId}: another writer counted {Count} of its prints first; folding it again without them")]
    private static partial void LogRaced(ILogger logger, string batchId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} was already committed; answering its receipt")]
    private static partial void LogReplayed(ILogger logger, string batchId);
}
