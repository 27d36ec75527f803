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
/// The aggregates, chains and spots the endpoints read. Implementations are thread-safe; every read returns values the
/// caller owns (copies), in ascending key order.
/// </summary>
public interface IFlowStore
{
    /// <summary>
    /// Applies a folded batch exactly once: a second commit with the same <see cref="FlowCommit.BatchId"/> changes
    /// nothing and returns the first commit's receipt. The fold's prints go first, then its cancels, in order: each
    /// takes its print out of every aggregate exactly, and latest-of values and the newest spot become what they would
    /// be had the print never come (docs/methodology.md §13).
    /// </summary>
    Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken);

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
    /// Drops what no endpoint can ask for any more at <paramref name="now"/>: minutes older than the longest window
    /// (10,080 minutes), per-contract, 0DTE and chain data of trading dates before yesterday, receipts older than a day.
    /// </summary>
    Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
