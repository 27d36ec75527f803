using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The Azure store's history (<see cref="IFlowHistory"/>, docs/storage.md "History"): the ledger rows it writes for
/// cancels, read back with the cancels applied; the chain events and quoted spots it keeps beside its aggregates
/// (<see cref="HistoryRows"/>); all of it kept as long as the retention keeps a trading date (each row's <c>Until</c>,
/// <see cref="FlowRows"/>).
/// </summary>
public sealed partial class AzureFlowStore : IFlowHistory
{
    /// <summary>
    /// The Azure store's default retention: 21 trading dates, about a calendar month (docs/api.md "Retention"). Longer
    /// history belongs in the day archive, not in the table.
    /// </summary>
    public const int DefaultRetentionTradingDays = 21;

    /// <summary>Symbols whose ledger of one minute is read at once by <see cref="ReadLedgerMinuteAsync"/>.</summary>
    private const int ParallelLedgerReads = 16;

    public int RetentionTradingDays { get; }

    public async Task<IReadOnlyList<KeyValuePair<long, IReadOnlyList<LedgerPrint>>>> ReadLedgerAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        if (!RollupRanges.Clamp(ref firstMinute, ref lastMinute))
        {
            return [];
        }

        await EnsureCreatedAsync(cancellationToken);
        var byMinute = await AzureCancels.ReadLedgerAsync(_flow, FlowRows.PartitionOf(symbol), symbol, firstMinute, lastMinute + 1, 0, cancellationToken);
        return byMinute
            .Where(m => m.Value.Count > 0)
            .OrderBy(m => m.Key)
            .Select(m => new KeyValuePair<long, IReadOnlyList<LedgerPrint>>(m.Key, m.Value.Select(e => e.Print).ToArray()))
            .ToArray();
    }

    /// <summary>The symbols of the minute come from its rollup rows (a symbol with a counted print has a tally there); each one's ledger is then read.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, IReadOnlyList<LedgerPrint>>>> ReadLedgerMinuteAsync(long minute, CancellationToken cancellationToken)
    {
        var symbols = await ReadWindowTotalsAsync(minute, minute, cancellationToken);
        var result = new KeyValuePair<string, IReadOnlyList<LedgerPrint>>[symbols.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = ParallelLedgerReads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, symbols.Count), options, async (i, ct) =>
        {
            var symbol = symbols[i].Key;
            var prints = await ReadLedgerAsync(symbol, minute, minute, ct);
            result[i] = new(symbol, prints.Count == 0 ? [] : prints[0].Value);
        });

        return result.Where(r => r.Value.Count > 0).ToArray();
    }

    /// <summary>One range query over the date's chain-event rows; a batch's parts are put back together (<see cref="HistoryRows.JoinChainEvents"/>).</summary>
    public async Task<IReadOnlyList<ChainEvent>> ReadChainEventsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var (from, to) = HistoryRows.ChainEventsRows(symbol, tradingDate);
        var batches = new SortedDictionary<string, List<byte[]>>(StringComparer.Ordinal);
        await foreach (var entity in _flow.QueryAllAsync($"PartitionKey eq {FlowRows.PartitionOf(symbol)} and RowKey ge {from} and RowKey lt {to}", null, cancellationToken))
        {
            if (FlowRow.From(entity).Cells.GetValueOrDefault(HistoryRows.ChainEventsCell) is { } cell)
            {
                var batch = entity.RowKey[..entity.RowKey.LastIndexOf('|')];
                if (!batches.TryGetValue(batch, out var parts))
                {
                    batches[batch] = parts = [];
                }

                parts.Add(cell); // rows come in row-key order, so a batch's parts in part order
            }
        }

        return batches.Values.SelectMany(parts => HistoryRows.JoinChainEvents(symbol, parts)).ToArray();
    }

    /// <summary>
    /// Searches the quote cells of the symbol's minute rows a trading date at a time, back from <paramref name="at"/> to the date before the
    /// first kept one; past that, the newest quoted spot any lane holds, when it is stamped by the instant (the memory
    /// store keeps that one too).
    /// </summary>
    public async Task<SpotMark?> ReadQuotedSpotAsync(string symbol, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var partition = FlowRows.PartitionOf(symbol);
        var date = NewYorkTime.TradingDate(at);
        var floor = NewYorkTime.FirstRetainedDate(date, RetentionTradingDays + 1);
        var lastHour = MinuteBucket.Of(at) / 60;
        for (; date >= floor; date = date.AddDays(-1))
        {
            var firstHour = MinuteBucket.Of(NewYorkTime.ToUtc(date, TimeOnly.MinValue)) / 60;
            var (from, to) = (FlowRows.MinuteRow(symbol, firstHour), FlowRows.MinuteRow(symbol, lastHour));
            SpotMark? newest = null;
            await foreach (var entity in _flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey le {to}", null, cancellationToken))
            {
                foreach (var (name, cell) in FlowRow.From(entity).Cells)
                {
                    if (FlowRows.IsMinuteCell(name))
                    {
                        continue;
                    }

                    foreach (var mark in HistoryRows.DecodeQuotes(cell))
                    {
                        // Equal times: the later to arrive, as the live spot keeps it.
                        if (mark.Timestamp <= at && (newest is not { } held || mark.Timestamp >= held.Timestamp))
                        {
                            newest = mark;
                        }
                    }
                }
            }

            if (newest is not null)
            {
                return newest;
            }

            lastHour = firstHour - 1;
        }

        var quoted = await ReadNewestMarkAsync(symbol, FlowRows.QuoteRowsFrom, FlowRows.QuoteRowsTo, cancellationToken);
        return quoted is { } q && q.Timestamp <= at ? q : null;
    }
}
