using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.History;

/// <summary>
/// A flow store's reads as they stood at a past instant (docs/api.md "History"): what a store that had received only the
/// events stamped at or before <paramref name="at"/> would read, late prints that arrived afterwards included and cancels
/// applied. Minutes wholly before <paramref name="at"/>'s minute are the stored aggregates (every print in them is stamped
/// before it); the minute of <paramref name="at"/>, a trading date still open at it, chains and spots are folded again
/// from the store's history (<see cref="IFlowHistory"/>) with exactly the fold's arithmetic. Read-only; thread-safe as
/// its store.
/// </summary>
public sealed class AsOfFlowStore(IFlowStore store, IFlowHistory history, DateTimeOffset at) : IFlowStore
{
    private readonly long _ticks = at.UtcTicks;
    private readonly long _minute = MinuteBucket.Of(at);
    private readonly DateOnly _date = NewYorkTime.TradingDate(at);

    public DateTimeOffset At => at;

    public async Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<long, FlowTally>>();
        if (Math.Min(lastMinute, _minute - 1) >= firstMinute)
        {
            result.AddRange(await store.ReadMinutesAsync(symbol, firstMinute, Math.Min(lastMinute, _minute - 1), cancellationToken));
        }

        if (firstMinute <= _minute && _minute <= lastMinute)
        {
            var tally = default(FlowTally);
            foreach (var (_, prints) in await history.ReadLedgerAsync(symbol, _minute, _minute, cancellationToken))
            {
                foreach (var p in prints)
                {
                    if (p.StampedBy(_ticks))
                    {
                        p.AddTo(ref tally);
                    }
                }
            }

            if (!tally.IsEmpty)
            {
                result.Add(new(_minute, tally));
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<KeyValuePair<string, FlowTally>>> ReadWindowTotalsAsync(long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var totals = new SortedDictionary<string, FlowTally>(StringComparer.Ordinal);
        if (Math.Min(lastMinute, _minute - 1) >= firstMinute)
        {
            foreach (var (symbol, tally) in await store.ReadWindowTotalsAsync(firstMinute, Math.Min(lastMinute, _minute - 1), cancellationToken))
            {
                totals[symbol] = tally;
            }
        }

        if (firstMinute <= _minute && _minute <= lastMinute)
        {
            foreach (var (symbol, prints) in await history.ReadLedgerMinuteAsync(_minute, cancellationToken))
            {
                var tally = totals.GetValueOrDefault(symbol);
                foreach (var p in prints)
                {
                    if (p.StampedBy(_ticks))
                    {
                        p.AddTo(ref tally);
                    }
                }

                if (!tally.IsEmpty)
                {
                    totals[symbol] = tally;
                }
            }
        }

        return [.. totals];
    }

    public async Task<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>> ReadZeroDteAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>();
        if (Math.Min(lastMinute, _minute - 1) >= firstMinute)
        {
            result.AddRange(await store.ReadZeroDteAsync(symbol, firstMinute, Math.Min(lastMinute, _minute - 1), cancellationToken));
        }

        if (firstMinute <= _minute && _minute <= lastMinute)
        {
            var strikes = new SortedDictionary<int, StrikeMinuteFlow>();
            foreach (var (_, prints) in await history.ReadLedgerAsync(symbol, _minute, _minute, cancellationToken))
            {
                foreach (var p in prints)
                {
                    if (p.ZeroDte && p.StampedBy(_ticks))
                    {
                        var cell = strikes.GetValueOrDefault(p.Contract.StrikeMilli);
                        p.AddTo(ref cell);
                        strikes[p.Contract.StrikeMilli] = cell;
                    }
                }
            }

            result.AddRange(strikes.Select(s => new KeyValuePair<(long, int), StrikeMinuteFlow>((_minute, s.Key), s.Value)));
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<OptionKey, ContractDayFlow>> ReadContractsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        if (tradingDate > _date)
        {
            return new Dictionary<OptionKey, ContractDayFlow>();
        }

        if (tradingDate < _date)
        {
            // Every print of an earlier date is stamped before the instant.
            return await store.ReadContractsAsync(symbol, tradingDate, cancellationToken);
        }

        var dayStart = MinuteBucket.Of(NewYorkTime.ToUtc(tradingDate, TimeOnly.MinValue));
        var contracts = new Dictionary<OptionKey, ContractDayFlow>();
        foreach (var (_, prints) in await history.ReadLedgerAsync(symbol, dayStart, _minute, cancellationToken))
        {
            foreach (var p in prints)
            {
                if (p.TradingDate == tradingDate && p.StampedBy(_ticks))
                {
                    p.AddTo(ref CollectionsMarshal.GetValueRefOrAddDefault(contracts, p.Contract, out _));
                }
            }
        }

        return contracts;
    }

    public async Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        if (tradingDate > _date)
        {
            return null;
        }

        SymbolChain? chain = null;
        foreach (var e in await history.ReadChainEventsAsync(symbol, tradingDate, cancellationToken))
        {
            if (e.Timestamp > at)
            {
                continue;
            }

            if (chain is null)
            {
                chain = SymbolChain.From(e);
            }
            else
            {
                chain.Apply(e);
            }
        }

        return chain;
    }

    /// <summary>
    /// The newest spot stamped at or before the instant: of the quoted spots (spot events, chains) and of the counted
    /// prints that carried one, the later; on a tie the quoted one, as a cancel restores it (docs/methodology.md §13).
    /// </summary>
    public async Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken)
    {
        var quoted = await history.ReadQuotedSpotAsync(symbol, at, cancellationToken);
        var floor = quoted is { } q ? MinuteBucket.Of(q.Timestamp)
            : MinuteBucket.Of(NewYorkTime.ToUtc(NewYorkTime.FirstRetainedDate(_date, history.RetentionTradingDays), TimeOnly.MinValue));

        // A week of minute tallies at a time says which hours hold prints at all; only their ledger is read, newest first.
        for (var last = _minute; last >= floor; last -= CumulativeFlow.MaxMinutes)
        {
            var first = Math.Max(floor, last - CumulativeFlow.MaxMinutes + 1);
            var minutes = await store.ReadMinutesAsync(symbol, first, last, cancellationToken);
            foreach (var hour in minutes.Select(m => m.Key / 60).Distinct().Reverse())
            {
                var printed = LastPrint.None;
                foreach (var (_, prints) in await history.ReadLedgerAsync(symbol, Math.Max(first, hour * 60), Math.Min(last, (hour * 60) + 59), cancellationToken))
                {
                    printed = LastPrint.Latest(printed, LedgerPrint.Latest(prints, _ticks, static (p, ticks) => p.SpotObserved && p.StampedBy(ticks)));
                }

                if (!printed.IsNone)
                {
                    return quoted is { } held && held.Timestamp >= printed.Timestamp ? held : new SpotMark(printed.Spot, printed.Timestamp);
                }
            }
        }

        return quoted;
    }

    public async Task<IReadOnlyDictionary<string, SpotMark>> ReadSpotsAsync(CancellationToken cancellationToken)
    {
        var spots = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
        foreach (var symbol in (await store.ReadSpotsAsync(cancellationToken)).Keys)
        {
            if (await ReadSpotAsync(symbol, cancellationToken) is { } spot)
            {
                spots[symbol] = spot;
            }
        }

        return spots;
    }

    public Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken) => store.FindReceiptAsync(batchId, cancellationToken);

    public Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken) => throw ReadOnly();

    public Task<IReadOnlySet<PrintKey>> FindCountedPrintsAsync(IReadOnlyCollection<PrintKey> prints, string batchId, CancellationToken cancellationToken) => throw ReadOnly();

    public Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw ReadOnly();

    private static InvalidOperationException ReadOnly() => new("A store as of a past instant only reads.");
}
