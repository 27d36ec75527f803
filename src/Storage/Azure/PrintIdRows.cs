using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The print ids of the <c>flow</c> table (docs/storage.md, "Print ids"): one row per symbol and minute,
/// <c>i|{SYM}|{yyyyMMddHHmm}</c>, in the symbol's partition, cell <c>i</c>: each id the minute's prints carried (the
/// first 8 bytes of SHA-256 of its text) with the tag of the batch that counted it. A batch writes its rows before any
/// other row, under the rows' ETags, so two writers that race for one print find out before either counts it
/// (<see cref="Conflicts"/>). The cell merges as a union in which the batch that wrote an id first keeps it. Pure.
/// </summary>
internal static class PrintIdRows
{
    public const string Cell = "i";

    private const byte Version = 1;

    public static string Row(string symbol, long minute) => $"i|{symbol}|{FlowRows.MinuteKey(minute)}";

    /// <summary>A print is accepted as long as the retention keeps its trading date (docs/api.md "Retention"), so its id is kept that long.</summary>
    public static long Until(long minute, int retentionDays) =>
        FlowRows.DayDataUntil(Analytics.Time.NewYorkTime.TradingDate(Analytics.Aggregates.MinuteBucket.Start(minute)), retentionDays);

    public static ulong Hash(TradeId id) => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(id.ToString())));

    /// <summary>
    /// The batch's print ids as row changes, by partition: each id with the batch's tag. Throws
    /// <see cref="PrintsAlreadyCountedException"/> when the fold holds one print twice (the pipeline never folds one).
    /// </summary>
    public static SortedDictionary<string, List<FlowRowChange>> Changes(FlowCommit commit, ulong tag, int retentionDays)
    {
        var rows = new Dictionary<string, (string Partition, long Minute, Dictionary<ulong, ulong> Ids)>(StringComparer.Ordinal);
        var repeated = 0;
        foreach (var (key, print) in commit.Fold.Ledger)
        {
            if (print.Id.IsNone)
            {
                continue;
            }

            var rowKey = Row(key.Symbol, key.Minute);
            if (!rows.TryGetValue(rowKey, out var row))
            {
                rows[rowKey] = row = (FlowRows.PartitionOf(key.Symbol), key.Minute, []);
            }

            if (!row.Ids.TryAdd(Hash(print.Id), tag))
            {
                repeated++;
            }
        }

        if (repeated > 0)
        {
            throw new PrintsAlreadyCountedException(repeated);
        }

        var changes = new SortedDictionary<string, List<FlowRowChange>>(StringComparer.Ordinal);
        foreach (var (rowKey, (partition, minute, ids)) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var change = new FlowRowChange(partition, rowKey, Until(minute, retentionDays));
            change.Cells[Cell] = Encode(ids);
            if (!changes.TryGetValue(partition, out var list))
            {
                changes[partition] = list = [];
            }

            list.Add(change);
        }

        return changes;
    }

    /// <summary>How many of a change's ids <paramref name="row"/> holds under another batch's tag.</summary>
    public static int Conflicts(FlowRowChange change, FlowRow row, ulong tag)
    {
        if (!change.Cells.TryGetValue(Cell, out var mine) || !row.Cells.TryGetValue(Cell, out var stored))
        {
            return 0;
        }

        var held = Decode(stored);
        return Decode(mine).Keys.Count(id => held.TryGetValue(id, out var owner) && owner != tag);
    }

    /// <summary>Union of two cells; an id held keeps its first batch.</summary>
    public static byte[] Merge(byte[] stored, byte[] delta)
    {
        var ids = Decode(stored);
        foreach (var (id, tag) in Decode(delta))
        {
            ids.TryAdd(id, tag);
        }

        return Encode(ids);
    }

    /// <summary>
    /// A cell: version byte, the number of batches (Int32), then per batch its tag (UInt64), its number of ids (Int32)
    /// and the ids (UInt64, ascending): 8 bytes an id, so a row (1 MiB) holds over 100,000.
    /// </summary>
    public static byte[] Encode(IReadOnlyDictionary<ulong, ulong> ids)
    {
        var groups = ids.GroupBy(p => p.Value).OrderBy(g => g.Key).ToArray();
        var bytes = new byte[1 + 4 + (groups.Length * 12) + (ids.Count * 8)];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), groups.Length);
        var at = 5;
        foreach (var group in groups)
        {
            var members = group.Select(p => p.Key).Order().ToArray();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), group.Key);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 8), members.Length);
            at += 12;
            foreach (var id in members)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), id);
                at += 8;
            }
        }

        return bytes;
    }

    public static Dictionary<ulong, ulong> Decode(ReadOnlySpan<byte> cell)
    {
        var ids = new Dictionary<ulong, ulong>();
        if (cell.Length == 0)
        {
            return ids;
        }

        if (cell[0] != Version)
        {
            throw new InvalidDataException($"Stored print-id cell has format version {cell[0]}; this build reads version {Version}.");
        }

        var groups = BinaryPrimitives.ReadInt32LittleEndian(cell[1..]);
        var at = 5;
        for (var g = 0; g < groups; g++)
        {
            var tag = BinaryPrimitives.ReadUInt64LittleEndian(cell[at..]);
            var count = BinaryPrimitives.ReadInt32LittleEndian(cell[(at + 8)..]);
            at += 12;
            for (var i = 0; i < count; i++, at += 8)
            {
                ids.TryAdd(BinaryPrimitives.ReadUInt64LittleEndian(cell[at..]), tag);
            }
        }

        return ids;
    }
}
