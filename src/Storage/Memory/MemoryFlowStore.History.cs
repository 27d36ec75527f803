using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Memory;

/// <summary>
/// The memory store's history (<see cref="IFlowHistory"/>, docs/api.md "History"): the ledger it keeps for cancels,
/// read back for answers as of a past instant, and every chain event and quoted spot a commit brought, kept as long as
/// the retention (docs/api.md "Retention").
/// </summary>
public sealed partial class MemoryFlowStore : IFlowHistory
{
    /// <summary>The memory store's default retention: one trading week (docs/api.md "Retention").</summary>
    public const int DefaultRetentionTradingDays = 5;

    public MemoryFlowStore()
        : this(DefaultRetentionTradingDays)
    {
    }

    /// <param name="retentionTradingDays">How many trading dates to keep, today's included (at least 1).</param>
    public MemoryFlowStore(int retentionTradingDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionTradingDays, 1);
        RetentionTradingDays = retentionTradingDays;
    }

    public int RetentionTradingDays { get; }

    public Task<IReadOnlyList<KeyValuePair<long, IReadOnlyList<LedgerPrint>>>> ReadLedgerAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<KeyValuePair<long, IReadOnlyList<LedgerPrint>>>>(() =>
        {
            if (!_symbols.TryGetValue(symbol, out var data) || lastMinute < firstMinute)
            {
                return [];
            }

            var result = new List<KeyValuePair<long, IReadOnlyList<LedgerPrint>>>();
            if (lastMinute - firstMinute < data.Ledger.Count)
            {
                for (var m = firstMinute; m <= lastMinute; m++)
                {
                    if (data.Ledger.TryGetValue(m, out var prints))
                    {
                        result.Add(new(m, prints.ToArray()));
                    }
                }
            }
            else
            {
                foreach (var (m, prints) in data.Ledger)
                {
                    if (m >= firstMinute && m <= lastMinute)
                    {
                        result.Add(new(m, prints.ToArray()));
                    }
                }

                result.Sort(static (a, b) => a.Key.CompareTo(b.Key));
            }

            return result;
        });

    public Task<IReadOnlyList<KeyValuePair<string, IReadOnlyList<LedgerPrint>>>> ReadLedgerMinuteAsync(long minute, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<KeyValuePair<string, IReadOnlyList<LedgerPrint>>>>(() =>
        {
            var result = new List<KeyValuePair<string, IReadOnlyList<LedgerPrint>>>();
            foreach (var (symbol, data) in _symbols)
            {
                if (data.Ledger.TryGetValue(minute, out var prints) && prints.Count > 0)
                {
                    result.Add(new(symbol, prints.ToArray()));
                }
            }

            result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        });

    public Task<IReadOnlyList<ChainEvent>> ReadChainEventsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<ChainEvent>>(() =>
            _symbols.TryGetValue(symbol, out var data) && data.ChainEvents.TryGetValue(tradingDate, out var events) ? events.ToArray() : []);

    public Task<SpotMark?> ReadQuotedSpotAsync(string symbol, DateTimeOffset at, CancellationToken cancellationToken) =>
        Read<SpotMark?>(() =>
        {
            if (!_symbols.TryGetValue(symbol, out var data))
            {
                return null;
            }

            // Ascending by time, equal times in arrival order: the last at or before the instant is the newest, as the
            // live spot takes the later of two equal times.
            var quotes = data.Quotes;
            var index = UpperBound(quotes, at);
            return index == 0 ? null : quotes[index - 1];
        });

    /// <summary>Keeps a commit's chain events and quoted spots (each change noted for the commit's undo).</summary>
    private void KeepHistory(FlowCommit commit)
    {
        foreach (var e in commit.Chains)
        {
            var byDate = Symbol(e.Underlying).ChainEvents;
            var date = NewYorkTime.TradingDate(e.Timestamp);
            if (!byDate.TryGetValue(date, out var events))
            {
                Remember(byDate, date);
                byDate[date] = events = [];
            }

            var count = events.Count;
            OnUndo(() => events.RemoveRange(count, events.Count - count));
            events.Add(e);
        }

        foreach (var (symbol, mark) in commit.Fold.QuoteHistory)
        {
            var quotes = Symbol(symbol).Quotes;
            var index = UpperBound(quotes, mark.Timestamp);
            OnUndo(() => quotes.RemoveAt(index));
            quotes.Insert(index, mark);
        }
    }

    /// <summary>The first date the retention keeps at <paramref name="now"/>, and its first minute.</summary>
    private (DateOnly Date, long Minute) FirstRetained(DateTimeOffset now)
    {
        var date = NewYorkTime.FirstRetainedDate(NewYorkTime.TradingDate(now), RetentionTradingDays);
        return (date, MinuteBucket.Of(NewYorkTime.ToUtc(date, TimeOnly.MinValue)));
    }

    private static void PruneHistory(SymbolData data, DateOnly firstDate)
    {
        RemoveDatesBefore(data.ChainEvents, firstDate);
        var first = NewYorkTime.ToUtc(firstDate, TimeOnly.MinValue);
        var stale = UpperBound(data.Quotes, first.AddTicks(-1));

        // The newest quote before the retention stays: it is the spot a read of a later instant may still fall back to.
        if (stale > 1)
        {
            data.Quotes.RemoveRange(0, stale - 1);
        }
    }

    /// <summary>The index after the last quote stamped at or before <paramref name="at"/>.</summary>
    private static int UpperBound(List<SpotMark> quotes, DateTimeOffset at)
    {
        var (lo, hi) = (0, quotes.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (quotes[mid].Timestamp <= at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
