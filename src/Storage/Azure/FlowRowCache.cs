using System.Buffers.Binary;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// A <c>flow</c> table row as this writer last saw it: its ETag (empty when the row is not known to exist), its cells
/// (chunks joined), and the tags of the last batches applied to it, newest last.
/// </summary>
internal sealed class FlowRow(string rowKey)
{
    /// <summary>Batches a row remembers; a part of a batch redelivered within this many later batches on the row is a no-op.</summary>
    public const int AppliedHistory = 64;

    /// <summary>Largest binary property the Table service stores; longer cells are split into <c>name</c>, <c>name_1</c>, ...</summary>
    public const int ChunkBytes = 64_000;

    public string RowKey { get; } = rowKey;

    public string ETag { get; set; } = string.Empty;

    public Dictionary<string, byte[]> Cells { get; } = new(StringComparer.Ordinal);

    public List<ulong> Applied { get; } = [];

    public long LastUse { get; set; }

    public bool HasApplied(ulong tag) => Applied.Contains(tag);

    /// <summary>The row as stored: binary properties are cells (chunks joined in order), <c>Applied</c> the batch tags.</summary>
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

        foreach (var (cell, parts) in chunks)
        {
            row.Cells[cell] = parts.Count == 1 ? parts.Values[0] : parts.Values.SelectMany(p => p).ToArray();
        }

        return row;
    }

    /// <summary>Writes a cell into an entity as one or more binary properties, blanking chunks a longer old value had.</summary>
    public static int WriteCell(TableEntity entity, string cell, byte[] value, byte[]? old)
    {
        var chunks = Math.Max(1, (value.Length + ChunkBytes - 1) / ChunkBytes);
        var oldChunks = old is null ? 0 : (old.Length + ChunkBytes - 1) / ChunkBytes;
        for (var i = 0; i < Math.Max(chunks, oldChunks); i++)
        {
            var name = i == 0 ? cell : $"{cell}_{i}";
            entity[name] = i < chunks ? value.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, value.Length - (i * ChunkBytes))).ToArray() : Array.Empty<byte>();
        }

        return value.Length;
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
}

/// <summary>
/// One partition's rows as this writer last wrote or read them, so that a batch costs no reads in the steady state.
/// Bounded: past <see cref="Capacity"/> the least recently used half is dropped (a dropped row is simply re-read when a
/// write finds it changed). Used under the partition's write gate only.
/// </summary>
internal sealed class FlowRowCache(int capacity)
{
    private readonly Dictionary<string, FlowRow> _rows = new(StringComparer.Ordinal);
    private long _clock;

    public int Capacity { get; } = capacity;

    /// <summary>The cached row, or a row not known to exist (empty ETag, no cells).</summary>
    public FlowRow Get(string rowKey)
    {
        if (!_rows.TryGetValue(rowKey, out var row))
        {
            row = new FlowRow(rowKey);
        }

        row.LastUse = ++_clock;
        return row;
    }

    public void Put(FlowRow row)
    {
        row.LastUse = ++_clock;
        _rows[row.RowKey] = row;
        if (_rows.Count > Capacity)
        {
            var oldest = _rows.Values.Select(r => r.LastUse).Order().ElementAt(_rows.Count / 2);
            foreach (var stale in _rows.Values.Where(r => r.LastUse < oldest).Select(r => r.RowKey).ToArray())
            {
                _rows.Remove(stale);
            }
        }
    }

    public void Forget(string rowKey) => _rows.Remove(rowKey);
}
