using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage;

/// <summary>
/// What a flow store keeps beyond its aggregates so that any read can be answered as of a past instant (docs/api.md
/// "History", <see cref="History.AsOfFlowStore"/>): every print as counted (the ledger, cancels applied), every chain
/// event and every quoted spot, for <see cref="RetentionTradingDays"/> trading dates. Implementations are thread-safe
/// and return copies.
/// </summary>
public interface IFlowHistory
{
    /// <summary>How many New York trading dates the store keeps, today's included (docs/api.md "Retention").</summary>
    int RetentionTradingDays { get; }

    /// <summary>One symbol's counted prints with first ≤ minute ≤ last, by minute ascending, each minute in arrival order.</summary>
    Task<IReadOnlyList<KeyValuePair<long, IReadOnlyList<LedgerPrint>>>> ReadLedgerAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken);

    /// <summary>Every symbol's counted prints of one minute, by symbol (ordinal), each in arrival order.</summary>
    Task<IReadOnlyList<KeyValuePair<string, IReadOnlyList<LedgerPrint>>>> ReadLedgerMinuteAsync(long minute, CancellationToken cancellationToken);

    /// <summary>Every chain event of one symbol's trading date, in arrival order (a chain is the same whatever the order: <see cref="Analytics.Exposure.SymbolChain"/>).</summary>
    Task<IReadOnlyList<ChainEvent>> ReadChainEventsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken);

    /// <summary>The newest spot stamped at or before <paramref name="at"/> that a spot event or a chain gave the symbol, or null.</summary>
    Task<SpotMark?> ReadQuotedSpotAsync(string symbol, DateTimeOffset at, CancellationToken cancellationToken);
}
