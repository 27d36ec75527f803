using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// What one committed batch changes in one row of the <c>flow</c> table: the row's key, its <c>Until</c>, and per cell
/// a function from the stored cell (null when missing) to the new one. Deltas only add (or keep the newest), so
/// applying a change to any stored state gives that state plus the batch.
/// </summary>
internal sealed class FlowRowChange(string partition, string rowKey, long until)
{
    public string Partition { get; } = partition;

    public string RowKey { get; } = rowKey;

    public long Until { get; } = until;

    public Dictionary<string, Func<byte[]?, byte[]>> Cells { get; } = new(StringComparer.Ordinal);
}

/// <summary>Turns a folded batch into row changes, grouped by partition and sorted by row key (docs/storage.md).</summary>
internal static class FlowRowChanges
{
    public static SortedDictionary<string, List<FlowRowChange>> Of(FlowCommit commit)
    {
        var lane = commit.Lane;
        var rows = new Dictionary<(string, string), FlowRowChange>();
        var minuteCells = new Dictionary<(string Partition, string Row, string Cell), FlowTally>();
        var rollupCells = new Dictionary<(string Partition, string Row, string Cell), Dictionary<string, FlowTally>>();

        foreach (var (key, tally) in commit.Fold.Minutes)
        {
            var partition = FlowRows.PartitionOf(key.Symbol);
            var hour = key.Minute / 60;
            var row = Row(partition, FlowRows.MinuteRow(key.Symbol, hour), FlowRows.MinuteRowUntil(hour));
            CollectionsMarshal.GetValueRefOrAddDefault(minuteCells, (partition, row.RowKey, FlowRows.MinuteCell(key.Minute)), out _).Merge(tally);

            var bucket = FlowRows.BucketCell(key.Symbol);
            Rollup(Row(partition, FlowRows.MinuteRollup(key.Minute, lane), FlowRows.MinuteRollupUntil(key.Minute)), bucket, key.Symbol, tally);
            Rollup(Row(partition, FlowRows.HourRollup(hour, lane), FlowRows.HourRollupUntil(hour)), bucket, key.Symbol, tally);
            var day = key.Minute / 1440;
            Rollup(Row(partition, FlowRows.DayRollup(day, lane), FlowRows.DayRollupUntil(day)), bucket, key.Symbol, tally);
        }

        foreach (var ((partition, rowKey, cell), delta) in minuteCells)
        {
            rows[(partition, rowKey)].Cells[cell] = stored =>
            {
                var sum = FlowCodec.DecodeTally(stored);
                sum.Merge(delta);
                return FlowCodec.EncodeTally(sum);
            };
        }

        foreach (var ((partition, rowKey, cell), deltas) in rollupCells)
        {
            rows[(partition, rowKey)].Cells[cell] = stored =>
            {
                var map = FlowCodec.DecodeTallies(stored);
                foreach (var (symbol, delta) in deltas)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(map, symbol, out _).Merge(delta);
                }

                return FlowCodec.EncodeTallies(map);
            };
        }

        AddZeroDte(commit.Fold, Row);
        AddContracts(commit.Fold, Row);
        AddSpots(commit, Row);

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

        void Rollup(FlowRowChange row, string cell, string symbol, in FlowTally tally)
        {
            var key = (row.Partition, row.RowKey, cell);
            if (!rollupCells.TryGetValue(key, out var map))
            {
                rollupCells[key] = map = new(StringComparer.Ordinal);
            }

            CollectionsMarshal.GetValueRefOrAddDefault(map, symbol, out _).Merge(tally);
        }
    }

    private static void AddZeroDte(FlowFold fold, Func<string, string, long, FlowRowChange> row)
    {
        var cells = new Dictionary<(FlowRowChange Row, string Cell), Dictionary<int, StrikeMinuteFlow>>();
        foreach (var (key, flow) in fold.ZeroDteStrikes)
        {
            var hour = key.Minute / 60;
            var tradingDate = NewYorkTime.TradingDate(MinuteBucket.Start(key.Minute));
            var target = row(FlowRows.PartitionOf(key.Symbol), FlowRows.ZeroDteRow(key.Symbol, hour), FlowRows.DayDataUntil(tradingDate));
            var cell = (target, FlowRows.MinuteCell(key.Minute));
            if (!cells.TryGetValue(cell, out var strikes))
            {
                cells[cell] = strikes = [];
            }

            CollectionsMarshal.GetValueRefOrAddDefault(strikes, key.StrikeMilli, out _).Merge(flow);
        }

        foreach (var ((target, cell), deltas) in cells)
        {
            target.Cells[cell] = stored =>
            {
                var map = FlowCodec.DecodeStrikes(stored);
                foreach (var (strike, delta) in deltas)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(map, strike, out _).Merge(delta);
                }

                return FlowCodec.EncodeStrikes(map);
            };
        }
    }

    private static void AddContracts(FlowFold fold, Func<string, string, long, FlowRowChange> row)
    {
        var cells = new Dictionary<(FlowRowChange Row, string Cell), Dictionary<int, ContractDayFlow>>();
        foreach (var (key, flow) in fold.Contracts)
        {
            var target = row(FlowRows.PartitionOf(key.Symbol), FlowRows.ContractRow(key.Symbol, key.TradingDate), FlowRows.DayDataUntil(key.TradingDate));
            var cell = (target, FlowRows.ContractCell(key.Contract.Expiry, key.Contract.Right));
            if (!cells.TryGetValue(cell, out var strikes))
            {
                cells[cell] = strikes = [];
            }

            CollectionsMarshal.GetValueRefOrAddDefault(strikes, key.Contract.StrikeMilli, out _).Merge(flow);
        }

        foreach (var ((target, cell), deltas) in cells)
        {
            target.Cells[cell] = stored =>
            {
                var map = FlowCodec.DecodeContracts(stored);
                foreach (var (strike, delta) in deltas)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(map, strike, out _).Merge(delta);
                }

                return FlowCodec.EncodeContracts(map);
            };
        }
    }

    private static void AddSpots(FlowCommit commit, Func<string, string, long, FlowRowChange> row)
    {
        var cells = new Dictionary<(FlowRowChange Row, string Cell), Dictionary<string, SpotMark>>();
        foreach (var (symbol, mark) in commit.Spots)
        {
            // Spot rows are never pruned: the newest spot of a symbol is asked for whatever its age.
            var target = row(FlowRows.PartitionOf(symbol), FlowRows.SpotRow(commit.Lane), long.MaxValue);
            var cell = (target, FlowRows.BucketCell(symbol));
            if (!cells.TryGetValue(cell, out var marks))
            {
                cells[cell] = marks = new(StringComparer.Ordinal);
            }

            marks[symbol] = mark;
        }

        foreach (var ((target, cell), marks) in cells)
        {
            target.Cells[cell] = stored =>
            {
                var map = FlowCodec.DecodeSpots(stored);
                foreach (var (symbol, mark) in marks)
                {
                    if (!map.TryGetValue(symbol, out var held) || mark.Timestamp >= held.Timestamp)
                    {
                        map[symbol] = mark;
                    }
                }

                return FlowCodec.EncodeSpots(map);
            };
        }
    }
}
