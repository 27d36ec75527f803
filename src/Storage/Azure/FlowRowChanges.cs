using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// What one committed batch changes in one row of the <c>flow</c> table: the row's key, its <c>Until</c>, and per cell
/// the batch's own delta, encoded as a cell of the row's family (<see cref="FlowCells"/>). Deltas only add (or keep the
/// newest), so merging a change into any stored state gives that state plus the batch.
/// </summary>
internal sealed class FlowRowChange(string partition, string rowKey, long until)
{
    public string Partition { get; } = partition;

    public string RowKey { get; } = rowKey;

    public long Until { get; } = until;

    public Dictionary<string, byte[]> Cells { get; } = new(StringComparer.Ordinal);
}

/// <summary>Turns a folded batch into row changes, grouped by partition and sorted by row key (docs/storage.md).</summary>
internal static class FlowRowChanges
{
    private delegate void Merge<T>(ref T into, in T delta);

    public static SortedDictionary<string, List<FlowRowChange>> Of(FlowCommit commit, int retentionDays)
    {
        var lane = commit.Lane;
        var tag = AzureFlowStore.Tag(commit.BatchId);
        var rows = new Dictionary<(string, string), FlowRowChange>();
        var minuteCells = new Dictionary<(FlowRowChange Row, string Cell), FlowTally>();
        var rollups = new MapCells<string, FlowTally>(FlowCodec.EncodeTallies, static (ref into, in delta) => into.Merge(delta));
        var zeroDte = new MapCells<int, StrikeMinuteFlow>(FlowCodec.EncodeStrikes, static (ref into, in delta) => into.Merge(delta));
        var contracts = new MapCells<int, ContractDayFlow>(FlowCodec.EncodeContracts, static (ref into, in delta) => into.Merge(delta));
        var spots = new MapCells<string, SpotMark>(FlowCodec.EncodeSpots, static (ref held, in mark) =>
        {
            if (mark.Timestamp >= held.Timestamp)
            {
                held = mark;
            }
        });

        foreach (var (key, tally) in commit.Fold.Minutes)
        {
            var partition = FlowRows.PartitionOf(key.Symbol);
            var hour = key.Minute / 60;
            var day = key.Minute / 1440;
            var row = Row(partition, FlowRows.MinuteRow(key.Symbol, hour), FlowRows.MinuteRowUntil(hour, retentionDays));
            CollectionsMarshal.GetValueRefOrAddDefault(minuteCells, (row, FlowRows.MinuteCell(key.Minute)), out _).Merge(tally);

            var bucket = FlowRows.BucketCell(key.Symbol);
            rollups.Add(Row(partition, FlowRows.MinuteRollup(key.Minute, lane), FlowRows.MinuteRollupUntil(key.Minute, retentionDays)), bucket, key.Symbol, tally);
            rollups.Add(Row(partition, FlowRows.HourRollup(hour, lane), FlowRows.HourRollupUntil(hour, retentionDays)), bucket, key.Symbol, tally);
            rollups.Add(Row(partition, FlowRows.DayRollup(day, lane), FlowRows.DayRollupUntil(day, retentionDays)), bucket, key.Symbol, tally);
        }

        foreach (var ((row, cell), delta) in minuteCells)
        {
            row.Cells[cell] = FlowCodec.EncodeTally(delta);
        }

        foreach (var (key, flow) in commit.Fold.ZeroDteStrikes)
        {
            var tradingDate = NewYorkTime.TradingDate(MinuteBucket.Start(key.Minute));
            var row = Row(FlowRows.PartitionOf(key.Symbol), FlowRows.ZeroDteRow(key.Symbol, key.Minute / 60), FlowRows.DayDataUntil(tradingDate, retentionDays));
            zeroDte.Add(row, FlowRows.MinuteCell(key.Minute), key.StrikeMilli, flow);
        }

        foreach (var (key, flow) in commit.Fold.Contracts)
        {
            var row = Row(FlowRows.PartitionOf(key.Symbol), FlowRows.ContractRow(key.Symbol, key.TradingDate, key.Contract.Expiry, key.Contract.Right), FlowRows.DayDataUntil(key.TradingDate, retentionDays));
            contracts.Add(row, FlowRows.ContractCell(key.Contract.Expiry, key.Contract.Right), key.Contract.StrikeMilli, flow);
        }

        foreach (var (symbol, mark) in commit.Spots)
        {
            // Spot rows are never pruned: the newest spot of a symbol is asked for whatever its age.
            spots.Add(Row(FlowRows.PartitionOf(symbol), FlowRows.SpotRow(lane), long.MaxValue), FlowRows.BucketCell(symbol), symbol, mark);
        }

        foreach (var (symbol, mark) in commit.Fold.QuotedSpots)
        {
            spots.Add(Row(FlowRows.PartitionOf(symbol), FlowRows.QuoteRow(lane), long.MaxValue), FlowRows.BucketCell(symbol), symbol, mark);
        }

        // Every quoted spot, by symbol-minute in the order it came, in the minute row's quote cells (docs/storage.md,
        // "History"): a row the batch writes anyway, so history costs no row of its own.
        var quotes = new Dictionary<(FlowRowChange Row, string Cell), List<SpotMark>>();
        foreach (var (symbol, mark) in commit.Fold.QuoteHistory)
        {
            var minute = MinuteBucket.Of(mark.Timestamp);
            var row = Row(FlowRows.PartitionOf(symbol), FlowRows.MinuteRow(symbol, minute / 60), FlowRows.MinuteRowUntil(minute / 60, retentionDays));
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(quotes, (row, FlowRows.QuoteCell(minute)), out _);
            (list ??= []).Add(mark);
        }

        foreach (var ((row, cell), marks) in quotes)
        {
            row.Cells[cell] = HistoryRows.EncodeQuotes(marks);
        }

        // The batch's chain events, whole, by symbol and trading date; kept one trading date longer than the day's
        // other rows, as the next date's open reads them (docs/storage.md, "History").
        foreach (var group in commit.Chains.GroupBy(e => (e.Underlying, Date: NewYorkTime.TradingDate(e.Timestamp))))
        {
            var (symbol, date) = group.Key;
            var parts = HistoryRows.EncodeChainEventParts([.. group]);
            for (var part = 0; part < parts.Count; part++)
            {
                Row(FlowRows.PartitionOf(symbol), HistoryRows.ChainEventsRow(symbol, date, lane, tag, part), FlowRows.DayDataUntil(date, retentionDays + 1)).Cells[HistoryRows.ChainEventsCell] = parts[part];
            }
        }

        // The ledger: each symbol-minute's prints as counted, in rows of this batch's own (docs/storage.md, "Cancels").
        foreach (var (key, prints) in commit.Fold.LedgerByMinute())
        {
            var until = FlowRows.DayDataUntil(prints[0].TradingDate, retentionDays);
            for (var part = 0; part * FlowRows.LedgerRowPrints < prints.Count; part++)
            {
                var chunk = prints.GetRange(part * FlowRows.LedgerRowPrints, Math.Min(FlowRows.LedgerRowPrints, prints.Count - (part * FlowRows.LedgerRowPrints)));
                Row(FlowRows.PartitionOf(key.Symbol), FlowRows.LedgerRow(key.Symbol, key.Minute, lane, tag, part), until).Cells[LedgerCodec.PrintsCell] = LedgerCodec.EncodePrints(chunk);
            }
        }

        rollups.WriteCells();
        zeroDte.WriteCells();
        contracts.WriteCells();
        spots.WriteCells();

        var byPartition = new SortedDictionary<string, List<FlowRowChange>>(StringComparer.Ordinal);
        foreach (var row in rows.Values)
        {
            if (!byPartition.TryGetValue(row.Partition, out var list))
            {
                byPartition[row.Partition] = list = [];
            }

            list.Add(row);
        }

        foreach (var list in byPartition.Values)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        }

        return byPartition;

        FlowRowChange Row(string partition, string rowKey, long until)
        {
            if (!rows.TryGetValue((partition, rowKey), out var row))
            {
                rows[(partition, rowKey)] = row = new FlowRowChange(partition, rowKey, until);
            }

            return row;
        }
    }

    /// <summary>The batch's deltas to map cells (strike or symbol → value) of some rows, merged per key, then encoded per cell.</summary>
    private sealed class MapCells<TKey, T>(Func<Dictionary<TKey, T>, byte[]> encode, Merge<T> merge)
        where TKey : notnull
        where T : struct
    {
        private readonly Dictionary<(FlowRowChange Row, string Cell), Dictionary<TKey, T>> _cells = [];

        public void Add(FlowRowChange row, string cell, TKey key, in T delta)
        {
            if (!_cells.TryGetValue((row, cell), out var deltas))
            {
                _cells[(row, cell)] = deltas = [];
            }

            merge(ref CollectionsMarshal.GetValueRefOrAddDefault(deltas, key, out _), delta);
        }

        public void WriteCells()
        {
            foreach (var ((row, cell), deltas) in _cells)
            {
                row.Cells[cell] = encode(deltas);
            }
        }
    }
}
