using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;

namespace FlowFunctions.Storage;

/// <summary>
/// Everything one ingest batch changes, folded in memory first: the three aggregate families, the chain events
/// (baselines and quotes) and the newest spot per underlying the batch saw. Committed at most once per
/// <see cref="BatchId"/>.
/// </summary>
public sealed record FlowCommit(
    string BatchId,
    FlowFold Fold,
    IReadOnlyList<ChainEvent> Chains,
    IReadOnlyDictionary<string, SpotMark> Spots,
    IngestReceipt Receipt)
{
    /// <summary>The writer the batch came through (1 to 32 of <c>a-z 0-9 -</c>): one per Event Hubs partition, <c>sim</c>,
    /// <c>api</c>. A batch id always arrives through the same lane; stores may keep per-lane rows so that writers of
    /// different lanes never contend.</summary>
    public string Lane { get; init; } = DefaultLane;

    public const string DefaultLane = "main";
}

/// <summary>What a committed batch answered, kept so a redelivery or an <c>Idempotency-Key</c> replay answers the same.</summary>
/// <param name="PayloadHash">SHA-256 of the batch's bytes (hex), to tell a replay from a different batch under a reused key.</param>
public sealed record IngestReceipt(
    string PayloadHash,
    int Accepted,
    int Rejected,
    IReadOnlyList<IngestError> Errors,
    DateTimeOffset CommittedUtc);

/// <summary>One refused event of a batch: its zero-based index in the batch and why.</summary>
public sealed record IngestError(int Index, string Reason);

/// <summary>How a commit went: applied now, or found already applied (then nothing changed).</summary>
public readonly record struct CommitResult(bool Applied, IngestReceipt Receipt)
{
    /// <summary>Cancels of the batch that named no print the store holds (docs/methodology.md §13); they changed nothing.</summary>
    public int UnmatchedCancels { get; init; }
}

/// <summary>
/// A print as the exactly-once rule knows it (docs/api.md "Exactly once per print"): its underlying, the minute of its
/// time and its feed id. A feed's id is unique per underlying and trading date, and a print sent again repeats its
/// time, so a print with an id counts once however many batches carry it. <paramref name="Minute"/> is
/// <see cref="MinuteBucket"/>'s epoch minute, the same minute a cancel finds its print by.
/// </summary>
public readonly record struct PrintKey(string Underlying, long Minute, TradeId Id);

/// <summary>
/// Thrown by <see cref="IFlowStore.CommitAsync"/> when a print of the fold had been counted by another batch, or repeats
/// one of the fold's own, by the time of the commit (two writers raced for it). Nothing of the batch was written: the
/// ingest pipeline asks <see cref="IFlowStore.FindCountedPrintsAsync"/> again and folds the batch anew without it.
/// </summary>
public sealed class PrintsAlreadyCountedException(int count)
    : Exception($"{count} prints of the batch were already counted by another batch; nothing was written.")
{
    public int Count { get; } = count;
}

/// <summary>
/// The aggregates, chains and spots the endpoints read. Implementations are thread-safe; every read returns values the
/// caller owns (copies), in ascending key order.
/// </summary>
public interface IFlowStore
{
    /// <summary>
    /// Applies a folded batch exactly once, whole or not at all: a second commit with the same
    /// <see cref="FlowCommit.BatchId"/> changes nothing and returns the first commit's receipt, and a commit that fails
    /// part-way leaves nothing a retry would count again. Each print with an id counts once (<see cref="PrintKey"/>): a fold holding a print counted by another batch (or twice) throws <see cref="PrintsAlreadyCountedException"/>
    /// and writes nothing. The fold's prints go first, then its cancels, in order: each
    /// takes its print out of every aggregate exactly, and latest-of values and the newest spot become what they would
    /// be had the print never come (docs/methodology.md §13).
    /// </summary>
    Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken);

    /// <summary>
    /// Which of <paramref name="prints"/> the store has counted under a batch other than <paramref name="batchId"/>
    /// (docs/api.md "Events", "Exactly once per print"). The ingest pipeline drops those before it folds a batch; the
    /// commit checks again and throws <see cref="PrintsAlreadyCountedException"/> when a writer raced it. Ids are kept
    /// as long as a print can be accepted (10,080 minutes).
    /// </summary>
    Task<IReadOnlySet<PrintKey>> FindCountedPrintsAsync(IReadOnlyCollection<PrintKey> prints, string batchId, CancellationToken cancellationToken);

    /// <summary>The receipt of an already committed batch, or null.</summary>
    Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>One symbol's minute tallies with first ≤ minute ≤ last, ascending.</summary>
    Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken);

    /// <summary>Every symbol's tally summed over first ≤ minute ≤ last (one entry per symbol with prints), by symbol.</summary>
    Task<IReadOnlyList<KeyValuePair<string, FlowTally>>> ReadWindowTotalsAsync(long firstMinute, long lastMinute, CancellationToken cancellationToken);

    /// <summary>One symbol's 0DTE strike-minute cells with first ≤ minute ≤ last, ascending by minute then strike.</summary>
    Task<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>> ReadZeroDteAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken);

    /// <summary>One symbol's per-contract flow for a trading date.</summary>
    Task<IReadOnlyDictionary<OptionKey, ContractDayFlow>> ReadContractsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken);

    /// <summary>One symbol's chain for a trading date (baseline and latest quotes), or null when none arrived.</summary>
    Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken);

    /// <summary>The newest known spot of a symbol, or null.</summary>
    Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>The newest known spot of every symbol: what a new instance's ingest pipeline starts its market state from.</summary>
    Task<IReadOnlyDictionary<string, SpotMark>> ReadSpotsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drops what no endpoint can ask for any more at <paramref name="now"/>. A store with history
    /// (<see cref="IFlowHistory"/>) keeps every trading date of its retention, and minutes as far again as the longest
    /// window; one without keeps minutes for the longest window (10,080 minutes) and per-contract, 0DTE and chain data
    /// from yesterday on. Receipts go after a day.
    /// </summary>
    Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
