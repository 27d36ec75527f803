using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Memory;

/// <summary>
/// The embedded store: the aggregates in process memory with the semantics of the Table store (exactly-once commits
/// by batch id, ascending reads, copies out). One reader-writer lock guards it: a commit is a short write of
/// pre-folded sums, reads copy what they need and release. A commit is all or nothing: every change it makes first
/// notes how to take itself back (<see cref="OnUndo"/>), and a commit that throws part-way takes back what it did before
/// the exception leaves. Thread-safe.
/// </summary>
public sealed partial class MemoryFlowStore : IFlowStore, IDisposable
{
    private static readonly TimeSpan ReceiptLifetime = TimeSpan.FromDays(1);

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, SymbolData> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IngestReceipt> _receipts = new(StringComparer.Ordinal);

    /// <summary>The ids of the prints counted, per underlying and minute (<see cref="PrintKey"/>), each with the batch that counted it.</summary>
    private readonly Dictionary<(string Symbol, long Minute), Dictionary<TradeId, string>> _printIds = [];

    /// <summary>While a commit runs: how to take back each change it made, in the order made.</summary>
    private List<Action>? _undo;

    /// <summary>Test hook: called with the name of each step of a commit once the step's changes are made (a test throws from it).</summary>
    internal Action<string>? AfterCommitStep { get; set; }

    public Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_receipts.TryGetValue(commit.BatchId, out var existing))
            {
                return Task.FromResult(new CommitResult(false, existing));
            }

            CheckNotCounted(commit.Fold);
            var undo = new List<Action>();
            _undo = undo;
            int unmatched;
            try
            {
                Apply(commit);
                unmatched = ApplyCancels(commit.Fold);
                Step("cancels");
                RecordPrintIds(commit.Fold, commit.BatchId);
                Step("print-ids");
            }
            catch
            {
                for (var i = undo.Count - 1; i >= 0; i--)
                {
                    undo[i]();
                }

                throw;
            }
            finally
            {
                _undo = null;
            }

            _receipts[commit.BatchId] = commit.Receipt;
            return Task.FromResult(new CommitResult(true, commit.Receipt) { UnmatchedCancels = unmatched });
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken) =>
        Read(() => _receipts.GetValueOrDefault(batchId));

    public Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<KeyValuePair<long, FlowTally>>>(() =>
        {
            if (!_symbols.TryGetValue(symbol, out var data))
            {
                return [];
            }

            var (start, end) = data.Minutes.Range(firstMinute, lastMinute);
            var result = new KeyValuePair<long, FlowTally>[end - start];
            for (var i = start; i < end; i++)
            {
                result[i - start] = new(data.Minutes.MinuteAt(i), data.Minutes.ValueAt(i));
            }

            return result;
        });

    public Task<IReadOnlyList<KeyValuePair<string, FlowTally>>> ReadWindowTotalsAsync(long firstMinute, long lastMinute, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<KeyValuePair<string, FlowTally>>>(() =>
        {
            var result = new List<KeyValuePair<string, FlowTally>>();
            foreach (var (symbol, data) in _symbols)
            {
                var (start, end) = data.Minutes.Range(firstMinute, lastMinute);
                var total = default(FlowTally);
                for (var i = start; i < end; i++)
                {
                    total.Merge(data.Minutes.ValueAt(i));
                }

                if (!total.IsEmpty)
                {
                    result.Add(new(symbol, total));
                }
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        });

    public Task<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>> ReadZeroDteAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>>(() =>
        {
            var result = new List<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>();
            if (!_symbols.TryGetValue(symbol, out var data))
            {
                return result;
            }

            var (start, end) = data.ZeroDte.Range(firstMinute, lastMinute);
            for (var i = start; i < end; i++)
            {
                var minute = data.ZeroDte.MinuteAt(i);
                var from = result.Count;
                foreach (var (strike, flow) in data.ZeroDte.ValueAt(i)!)
                {
                    result.Add(new((minute, strike), flow));
                }

                result.Sort(from, result.Count - from, StrikeOrder.Instance);
            }

            return result;
        });

    public Task<IReadOnlyDictionary<OptionKey, ContractDayFlow>> ReadContractsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken) =>
        Read<IReadOnlyDictionary<OptionKey, ContractDayFlow>>(() =>
            _symbols.TryGetValue(symbol, out var data) && data.Contracts.TryGetValue(tradingDate, out var contracts)
                ? new Dictionary<OptionKey, ContractDayFlow>(contracts)
                : new Dictionary<OptionKey, ContractDayFlow>());

    // Chains are replaced, never changed, once stored, so handing out the stored instance is safe.
    public Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken) =>
        Read(() => _symbols.TryGetValue(symbol, out var data) ? data.Chains.GetValueOrDefault(tradingDate) : null);

    public Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken) =>
        Read(() => _symbols.TryGetValue(symbol, out var data) ? data.Spot : null);

    public Task<IReadOnlyDictionary<string, SpotMark>> ReadSpotsAsync(CancellationToken cancellationToken) =>
        Read<IReadOnlyDictionary<string, SpotMark>>(() => _symbols
            .Where(s => s.Value.Spot is not null)
            .ToDictionary(s => s.Key, s => s.Value.Spot!.Value, StringComparer.Ordinal));

    public Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Everything of the retained trading dates (docs/api.md "Retention"), and minute tallies as far again as the
        // longest window, so that a window ending at the first retained minute is whole.
        var (firstDate, firstDayMinute) = FirstRetained(now);
        var firstMinute = Math.Min(MinuteBucket.Of(now), firstDayMinute) - CumulativeFlow.MaxMinutes;
        _lock.EnterWriteLock();
        try
        {
            foreach (var data in _symbols.Values)
            {
                data.Minutes.RemoveBefore(firstMinute);
                data.ZeroDte.RemoveBefore(firstDayMinute);
                RemoveLedgerBefore(data, firstDayMinute);
                RemoveDatesBefore(data.Contracts, firstDate);
                RemoveDatesBefore(data.Chains, firstDate);
                PruneHistory(data, firstDate);
            }

            // A print is accepted as far back as the retention: its id is kept as long.
            foreach (var key in _printIds.Keys.Where(k => k.Minute < firstDayMinute).ToArray())
            {
                _printIds.Remove(key);
            }

            foreach (var (id, receipt) in _receipts.ToArray())
            {
                if (receipt.CommittedUtc < now - ReceiptLifetime)
                {
                    _receipts.Remove(id);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _lock.Dispose();

    private static void RemoveDatesBefore<T>(Dictionary<DateOnly, T> byDate, DateOnly first)
    {
        foreach (var date in byDate.Keys.ToArray())
        {
            if (date < first)
            {
                byDate.Remove(date);
            }
        }
    }

    private void Apply(FlowCommit commit)
    {
        var fold = commit.Fold;
        foreach (var (key, tally) in fold.Minutes)
        {
            var minutes = Symbol(key.Symbol).Minutes;
            RememberMinute(minutes, key.Minute);
            minutes.GetOrAdd(key.Minute).Merge(tally);
        }

        Step("minutes");
        foreach (var (key, flow) in fold.Contracts)
        {
            var byDate = Symbol(key.Symbol).Contracts;
            if (!byDate.TryGetValue(key.TradingDate, out var contracts))
            {
                Remember(byDate, key.TradingDate);
                byDate[key.TradingDate] = contracts = [];
            }

            Remember(contracts, key.Contract);
            CollectionsMarshal.GetValueRefOrAddDefault(contracts, key.Contract, out _).Merge(flow);
        }

        Step("contracts");
        foreach (var (key, flow) in fold.ZeroDteStrikes)
        {
            var series = Symbol(key.Symbol).ZeroDte;
            RememberMinute(series, key.Minute);
            ref var strikes = ref series.GetOrAdd(key.Minute);
            strikes ??= [];
            Remember(strikes, key.StrikeMilli);
            CollectionsMarshal.GetValueRefOrAddDefault(strikes, key.StrikeMilli, out _).Merge(flow);
        }

        Step("zero-dte");
        foreach (var (key, prints) in fold.LedgerByMinute())
        {
            var ledger = Symbol(key.Symbol).Ledger;
            Remember(ledger, key.Minute);
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(ledger, key.Minute, out _);
            held ??= [];
            var list = held;
            var count = list.Count;
            OnUndo(() => list.RemoveRange(count, list.Count - count));
            list.AddRange(prints);
        }

        Step("ledger");
        ApplyChains(commit.Chains);
        KeepHistory(commit);
        Step("chains");
        foreach (var (symbol, mark) in commit.Spots)
        {
            var data = Symbol(symbol);
            if (data.Spot is not { } held || mark.Timestamp >= held.Timestamp)
            {
                SetSpot(data, mark);
            }
        }

        foreach (var (symbol, mark) in fold.QuotedSpots)
        {
            var data = Symbol(symbol);
            if (data.QuotedSpot is not { } held || mark.Timestamp >= held.Timestamp)
            {
                var before = data.QuotedSpot;
                OnUndo(() => data.QuotedSpot = before);
                data.QuotedSpot = mark;
            }
        }

        Step("spots");
    }

    private void ApplyChains(IReadOnlyList<ChainEvent> chains)
    {
        // Copy on write: each touched chain is cloned once per commit, changed, then swapped in.
        var touched = new Dictionary<(string, DateOnly), SymbolChain>();
        foreach (var e in chains)
        {
            var date = NewYorkTime.TradingDate(e.Timestamp);
            if (touched.TryGetValue((e.Underlying, date), out var chain))
            {
                chain.Apply(e);
                continue;
            }

            var data = Symbol(e.Underlying);
            chain = data.Chains.TryGetValue(date, out var stored) ? stored.Clone() : new SymbolChain(e.Underlying, date);
            chain.Apply(e);
            touched[(e.Underlying, date)] = chain;
        }

        foreach (var ((symbol, date), chain) in touched)
        {
            var byDate = Symbol(symbol).Chains;
            Remember(byDate, date);
            byDate[date] = chain;
        }
    }

    private SymbolData Symbol(string symbol)
    {
        if (!_symbols.TryGetValue(symbol, out var data))
        {
            Remember(_symbols, symbol);
            _symbols[symbol] = data = new SymbolData();
        }

        return data;
    }

    private Task<T> Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return Task.FromResult(read());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private sealed class SymbolData
    {
        public MinuteSeries<FlowTally> Minutes { get; } = new();

        /// <summary>0DTE cells by minute, then strike (× 1000).</summary>
        public MinuteSeries<Dictionary<int, StrikeMinuteFlow>?> ZeroDte { get; } = new();

        public Dictionary<DateOnly, Dictionary<OptionKey, ContractDayFlow>> Contracts { get; } = [];

        public Dictionary<DateOnly, SymbolChain> Chains { get; } = [];

        public SpotMark? Spot { get; set; }

        /// <summary>The newest spot from spot events and chains alone: what the spot falls back to when the print that set it is cancelled.</summary>
        public SpotMark? QuotedSpot { get; set; }

        /// <summary>
        /// Every print folded, as counted, by minute: what cancels are applied from (docs/methodology.md §13) and what
        /// answers as of a past instant are folded from (docs/api.md "History").
        /// </summary>
        public Dictionary<long, List<LedgerPrint>> Ledger { get; } = [];

        /// <summary>Every chain event of each trading date, in arrival order.</summary>
        public Dictionary<DateOnly, List<ChainEvent>> ChainEvents { get; } = [];

        /// <summary>Every quoted spot (spot events, chains), ascending by time, equal times in arrival order.</summary>
        public List<SpotMark> Quotes { get; } = [];
    }

    private sealed class StrikeOrder : IComparer<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>
    {
        public static readonly StrikeOrder Instance = new();

        public int Compare(KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow> x, KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow> y) =>
            x.Key.StrikeMilli.CompareTo(y.Key.StrikeMilli);
    }
}
