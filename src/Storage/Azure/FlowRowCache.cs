using System.Buffers.Binary;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// A <c>flow</c> table row as this writer last saw it: its ETag (empty when the row is not known to exist), the tags of
/// the batches applied to it, oldest first, the size of its delta log (docs/storage.md, "Writes: deltas and
/// compaction"), and, when <see cref="CellsKnown"/>, its cells as they read (base cells with every stored delta merged
/// in). A row as read holds its cells; a row as cached after a write does not (a delta needs only the ETag, the tags and
/// the log's size; a compaction reads the row first), so the cache of a full-market writer stays small.
/// <para>
/// Stored, a row is its base cells (binary properties <c>m05</c>, <c>b12</c>, <c>e20260619C</c>, ...; a cell longer than
/// <see cref="ChunkBytes"/> continues in <c>name_1</c>, <c>name_2</c>, ...), <c>Applied</c> (the tags of the last
/// batches folded into the base), <c>Until</c>, and a log of deltas <c>d000</c>, <c>d001</c>, ... (chunked the same
/// way), one per batch written since the base: the batch's tag and, per cell it changed, that change alone.
/// </para>
/// </summary>
internal sealed class FlowRow(string rowKey)
{
    /// <summary>Batches the base remembers; a part of a batch redelivered within this many later batches on the row is a no-op.</summary>
    public const int AppliedHistory = 64;

    /// <summary>Longest binary property written; the service takes 64 KiB, longer cells are split.</summary>
    public const int ChunkBytes = 64_000;

    private const string DeltaPrefix = "d";
    private const byte DeltaVersion = 1;

    public string RowKey { get; } = rowKey;

    public string ETag { get; set; } = string.Empty;

    public Dictionary<string, byte[]> Cells { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <see cref="Cells"/> is the whole row (true when read, or when the row is not known to exist).</summary>
    public bool CellsKnown { get; private set; } = true;

    public List<ulong> Applied { get; } = [];

    /// <summary>Bytes of the base cells as stored.</summary>
    public int BaseBytes { get; set; }

    /// <summary>Deltas stored after the base: their count (the next one's number), properties and bytes.</summary>
    public int Deltas { get; set; }

    public int DeltaProperties { get; set; }

    public int DeltaBytes { get; set; }

    public long LastUse { get; set; }

    public bool HasApplied(ulong tag) => Applied.Contains(tag);

    /// <summary>Drops the cells, keeping what a delta needs (ETag, tags, the log's size).</summary>
    public FlowRow WithoutCells()
    {
        Cells.Clear();
        Cells.TrimExcess();
        CellsKnown = false;
        return this;
    }

    /// <summary>The row as stored: base cells (chunks joined), <c>Applied</c>, then each delta merged in order.</summary>
    public static FlowRow From(TableEntity entity)
    {
        var row = new FlowRow(entity.RowKey) { ETag = StoreTable.ETagOf(entity) };
        var chunks = new Dictionary<string, SortedList<int, byte[]>>(StringComparer.Ordinal);
        foreach (var (name, value) in entity)
        {
            if (value is not byte[] bytes)
            {
                continue;
            }

            if (name == FlowRows.Applied)
            {
                for (var i = 0; i + 8 <= bytes.Length; i += 8)
                {
                    row.Applied.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
                }

                continue;
            }

            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            var cell = underscore < 0 ? name : name[..underscore];
            var index = underscore < 0 ? 0 : int.Parse(name.AsSpan(underscore + 1), System.Globalization.CultureInfo.InvariantCulture);
            if (!chunks.TryGetValue(cell, out var parts))
            {
                chunks[cell] = parts = [];
            }

            parts[index] = bytes;
        }

        var deltas = new SortedList<int, byte[]>();
        foreach (var (cell, parts) in chunks)
        {
            var joined = parts.Count == 1 ? parts.Values[0] : parts.Values.SelectMany(p => p).ToArray();
            if (IsDelta(cell))
            {
                deltas[int.Parse(cell.AsSpan(DeltaPrefix.Length), System.Globalization.CultureInfo.InvariantCulture)] = joined;
                row.DeltaProperties += parts.Count;
                row.DeltaBytes += joined.Length;
            }
            else if (joined.Length > 0)
            {
                row.Cells[cell] = joined;
                row.BaseBytes += joined.Length;
            }
        }

        foreach (var (number, delta) in deltas)
        {
            var (tag, cells) = DecodeDelta(delta);
            row.Applied.Add(tag);
            foreach (var (cell, change) in cells)
            {
                row.Cells[cell] = FlowCells.Merge(row.RowKey, row.Cells.GetValueOrDefault(cell), change, cell);
            }

            row.Deltas = Math.Max(row.Deltas, number + 1);
        }

        return row;
    }

    /// <summary>The name of delta number <paramref name="number"/>.</summary>
    public static string DeltaName(int number) => DeltaPrefix + number.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes a cell (or a delta) into an entity as one or more binary properties; returns how many.</summary>
    public static int WriteCell(TableEntity entity, string cell, byte[] value)
    {
        var chunks = Math.Max(1, (value.Length + ChunkBytes - 1) / ChunkBytes);
        for (var i = 0; i < chunks; i++)
        {
            var name = i == 0 ? cell : $"{cell}_{i}";
            entity[name] = value.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, value.Length - (i * ChunkBytes))).ToArray();
        }

        return chunks;
    }

    public static byte[] EncodeApplied(IReadOnlyList<ulong> tags)
    {
        var bytes = new byte[tags.Count * 8];
        for (var i = 0; i < tags.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), tags[i]);
        }

        return bytes;
    }

    /// <summary>The length of <see cref="EncodeDelta"/>'s result.</summary>
    public static int DeltaLength(IReadOnlyDictionary<string, byte[]> cells) => 1 + 8 + cells.Sum(c => 1 + c.Key.Length + 4 + c.Value.Length);

    /// <summary>A delta: version byte, the batch's tag, then per cell its name (length byte, ASCII) and change (Int32 length, bytes).</summary>
    public static byte[] EncodeDelta(ulong tag, IReadOnlyDictionary<string, byte[]> cells)
    {
        var bytes = new byte[DeltaLength(cells)];
        bytes[0] = DeltaVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), tag);
        var at = 9;
        foreach (var (cell, change) in cells.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            bytes[at++] = (byte)cell.Length;
            at += System.Text.Encoding.ASCII.GetBytes(cell, bytes.AsSpan(at));
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), change.Length);
            change.CopyTo(bytes.AsSpan(at + 4));
            at += 4 + change.Length;
        }

        return bytes;
    }

    private static (ulong Tag, List<(string Cell, byte[] Change)> Cells) DecodeDelta(byte[] bytes)
    {
        if (bytes.Length < 9 || bytes[0] != DeltaVersion)
        {
            throw new InvalidDataException($"A delta of {bytes.Length} bytes has an unknown format.");
        }

        var cells = new List<(string, byte[])>();
        var at = 9;
        while (at < bytes.Length)
        {
            var length = bytes[at++];
            var cell = System.Text.Encoding.ASCII.GetString(bytes, at, length);
            at += length;
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            cells.Add((cell, bytes.AsSpan(at + 4, size).ToArray()));
            at += 4 + size;
        }

        return (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(1)), cells);
    }

    private static bool IsDelta(string cell) =>
        cell.Length == DeltaPrefix.Length + 3 && cell.StartsWith(DeltaPrefix, StringComparison.Ordinal) && char.IsAsciiDigit(cell[^1]);
}

/// <summary>
/// One partition's rows as this writer last wrote or read them, so that a batch costs no reads in the steady state.
/// Bounded: past <see cref="Capacity"/> the least recently used half is dropped (a dropped row is simply re-read when a
/// write finds it changed). Print-id rows (<c>i|</c>, one per symbol and minute, docs/storage.md "Print ids") are held
/// apart, within <see cref="IdCapacity"/>, so that a wide market's many of them never push out the aggregate rows the
/// next batches write. Used under the partition's write gate only.
/// </summary>
internal sealed class FlowRowCache(int capacity, int idCapacity)
{
    private readonly Dictionary<string, FlowRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FlowRow> _ids = new(StringComparer.Ordinal);
    private long _clock;

    public int Capacity { get; } = capacity;

    public int IdCapacity { get; } = idCapacity;

    /// <summary>The cached row, or a row not known to exist (empty ETag, no cells).</summary>
    public FlowRow Get(string rowKey)
    {
        if (!RowsOf(rowKey).TryGetValue(rowKey, out var row))
        {
            row = new FlowRow(rowKey);
        }

        row.LastUse = ++_clock;
        return row;
    }

    public void Put(FlowRow row)
    {
        row.LastUse = ++_clock;
        var rows = RowsOf(row.RowKey);
        rows[row.RowKey] = row;
        var capacity = ReferenceEquals(rows, _ids) ? IdCapacity : Capacity;
        if (rows.Count > capacity)
        {
            var oldest = rows.Values.Select(r => r.LastUse).Order().ElementAt(rows.Count / 2);
            foreach (var stale in rows.Values.Where(r => r.LastUse < oldest).Select(r => r.RowKey).ToArray())
            {
                rows.Remove(stale);
            }
        }
    }

    public void Forget(string rowKey) => RowsOf(rowKey).Remove(rowKey);

    private Dictionary<string, FlowRow> RowsOf(string rowKey) => rowKey.Length > 0 && rowKey[0] == 'i' ? _ids : _rows;
}
