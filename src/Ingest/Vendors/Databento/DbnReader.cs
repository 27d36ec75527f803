using System.Buffers.Binary;
using System.Text;

namespace FlowFunctions.Ingest.Vendors.Databento;

/// <summary>The header of a DBN file: its version, dataset, schema, and its symbology (instrument id to symbol by date).</summary>
public sealed record DbnMetadata(int Version, string Dataset, ushort Schema, bool TsOut, IReadOnlyDictionary<uint, IReadOnlyList<DbnSymbolInterval>> Symbols)
{
    public string SchemaName => DbnLayout.SchemaName(Schema);

    /// <summary>OPRA's datasets hold options; every other dataset read here is taken as equities (spot prices).</summary>
    public bool IsOptions => Dataset.StartsWith("OPRA", StringComparison.OrdinalIgnoreCase);

    /// <summary>The symbol an instrument id had on a UTC date (yyyymmdd), from the file's own symbology; null when none.</summary>
    public string? SymbolOf(uint instrumentId, int yyyymmdd)
    {
        if (!Symbols.TryGetValue(instrumentId, out var intervals))
        {
            return null;
        }

        foreach (var i in intervals)
        {
            if (yyyymmdd >= i.StartDate && yyyymmdd < i.EndDate)
            {
                return i.Symbol;
            }
        }

        return null;
    }
}

/// <summary>An instrument id's symbol from <see cref="StartDate"/> up to (not including) <see cref="EndDate"/>, both yyyymmdd.</summary>
public sealed record DbnSymbolInterval(int StartDate, int EndDate, string Symbol);

/// <summary>
/// Reads a DBN file (plain, or zstd-compressed as Databento delivers <c>.dbn.zst</c>) as a stream of records at constant
/// memory: the metadata first, then one record at a time from a 64 KiB window. Every malformed byte is reported as a
/// <see cref="VendorFormatException"/> naming the file and the offset in the uncompressed stream (docs/importing.md).
/// Not thread-safe.
/// </summary>
public sealed class DbnReader : IDisposable
{
    private const int Window = 1 << 16;
    private static readonly byte[] ZstdMagic = [0x28, 0xB5, 0x2F, 0xFD];

    private readonly string _name;
    private readonly Stream _file;
    private readonly Stream _data;
    private readonly byte[] _buffer = new byte[Window];
    private int _start;
    private int _end;
    private long _consumed; // uncompressed bytes before _buffer[_start]

    public DbnReader(Stream file, string name)
    {
        _name = name;
        _file = file;
        Span<byte> magic = stackalloc byte[4];
        var peeked = file.CanSeek ? file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) : 0;
        if (file.CanSeek)
        {
            file.Position = 0;
        }

        _data = peeked == 4 && magic.SequenceEqual(ZstdMagic) ? new ZstdSharp.DecompressionStream(file) : file;
        Metadata = ReadMetadata();
    }

    public DbnMetadata Metadata { get; }

    /// <summary>The file's name as messages give it.</summary>
    public string Name => _name;

    /// <summary>The file's length in bytes (compressed, if it is), for progress.</summary>
    public long FileLength => _file.CanSeek ? _file.Length : 0;

    /// <summary>The offset, in the uncompressed stream, of the record <see cref="Next"/> returned last.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>Bytes of the file (compressed, if it is) read so far, for progress.</summary>
    public long FilePosition => _file.CanSeek ? _file.Position : 0;

    public static DbnReader Open(string path) => new(File.OpenRead(path), path);

    /// <summary>The next record, header included (valid until the next call); false at the end of the file.</summary>
    public bool Next(out ReadOnlySpan<byte> record)
    {
        record = default;
        if (!Fill(1))
        {
            return false;
        }

        RecordOffset = _consumed;
        var length = _buffer[_start] * 4;
        if (length < DbnLayout.HeaderLength)
        {
            throw Bad($"a record of {length} bytes (its length byte is {_buffer[_start]}); a record holds at least its 16-byte header");
        }

        if (!Fill(length))
        {
            throw Bad($"the file ends {_end - _start} bytes into a {length}-byte record: it is truncated");
        }

        var rtype = _buffer[_start + 1];
        var least = DbnLayout.MinimumLength(rtype, Metadata.Version);
        if (length < least)
        {
            throw Bad($"a record of type 0x{rtype:X2} is {length} bytes; in DBN version {Metadata.Version} that type takes at least {least}");
        }

        record = _buffer.AsSpan(_start, length);
        _start += length;
        _consumed += length;
        return true;
    }

    /// <summary>A <see cref="VendorFormatException"/> naming this file and the offset of the current record.</summary>
    public VendorFormatException Bad(string what) => new($"{_name}: at byte {RecordOffset} (uncompressed): {what}.");

    public void Dispose()
    {
        if (!ReferenceEquals(_data, _file))
        {
            _data.Dispose();
        }

        _file.Dispose();
    }

    private DbnMetadata ReadMetadata()
    {
        if (!Fill(DbnLayout.PreludeLength) || _buffer[_start] != 'D' || _buffer[_start + 1] != 'B' || _buffer[_start + 2] != 'N')
        {
            throw new VendorFormatException($"{_name}: at byte 0: not a DBN file (it does not start with \"DBN\"; a .dbn.zst file starts with the zstd magic number).");
        }

        int version = _buffer[_start + 3];
        if (version is < 1 or > 3)
        {
            throw new VendorFormatException($"{_name}: at byte 3: DBN version {version} is not one this build reads (1, 2 or 3).");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start + 4));
        if (length < DbnLayout.MetadataFixedLength)
        {
            throw new VendorFormatException($"{_name}: at byte 4: the metadata is said to be {length} bytes, less than its fixed {DbnLayout.MetadataFixedLength}.");
        }

        Consume(DbnLayout.PreludeLength);
        var metadata = new byte[length];
        if (ReadExactly(metadata) < length)
        {
            throw new VendorFormatException($"{_name}: at byte {DbnLayout.PreludeLength}: the file ends inside its {length}-byte metadata: it is truncated.");
        }

        try
        {
            return ParseMetadata(version, metadata);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw new VendorFormatException($"{_name}: at byte {DbnLayout.PreludeLength}: the metadata's symbol lists run past its {length} bytes.");
        }
    }

    private static DbnMetadata ParseMetadata(int version, ReadOnlySpan<byte> m)
    {
        var dataset = CString(m[..DbnLayout.DatasetLength]);
        var schema = BinaryPrimitives.ReadUInt16LittleEndian(m[16..]);
        var pos = 18 + (3 * 8) + (version == 1 ? 8 : 0); // start, end, limit (and v1's record count)
        var tsOut = m[pos + 2] != 0;
        pos += 3;
        var symbolLength = DbnLayout.V1SymbolLength;
        if (version > 1)
        {
            symbolLength = BinaryPrimitives.ReadUInt16LittleEndian(m[pos..]);
            pos += 2;
        }

        pos += DbnLayout.MetadataReserved(version);
        var schemaDefinition = BinaryPrimitives.ReadUInt32LittleEndian(m[pos..]);
        pos += 4 + checked((int)schemaDefinition);
        for (var list = 0; list < 3; list++) // symbols, partial, not found: not needed
        {
            var count = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(m[pos..]));
            pos += 4 + checked(count * symbolLength);
        }

        var symbols = new Dictionary<uint, IReadOnlyList<DbnSymbolInterval>>();
        var mappings = BinaryPrimitives.ReadUInt32LittleEndian(m[pos..]);
        pos += 4;
        for (var i = 0; i < mappings; i++)
        {
            var raw = CString(m.Slice(pos, symbolLength));
            pos += symbolLength;
            var intervals = BinaryPrimitives.ReadUInt32LittleEndian(m[pos..]);
            pos += 4;
            for (var j = 0; j < intervals; j++)
            {
                var start = (int)BinaryPrimitives.ReadUInt32LittleEndian(m[pos..]);
                var end = (int)BinaryPrimitives.ReadUInt32LittleEndian(m[(pos + 4)..]);
                var output = CString(m.Slice(pos + 8, symbolLength));
                pos += 8 + symbolLength;

                // With instrument ids as the output symbology (how Databento delivers files), the output is the id.
                if (uint.TryParse(output, out var id))
                {
                    var list = symbols.TryGetValue(id, out var known) ? (List<DbnSymbolInterval>)known : [];
                    list.Add(new DbnSymbolInterval(start, end, raw));
                    symbols[id] = list;
                }
            }
        }

        if (pos > m.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(m));
        }

        return new DbnMetadata(version, dataset, schema, tsOut, symbols);
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>At least <paramref name="count"/> bytes in the window from <c>_start</c>; false when the stream ends first.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            int read;
            try
            {
                read = _data.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (ZstdSharp.ZstdException e)
            {
                throw new VendorFormatException($"{_name}: near byte {_consumed + _end} (uncompressed): the zstd stream is damaged ({e.Message}).");
            }

            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private void Consume(int count)
    {
        _start += count;
        _consumed += count;
    }

    private int ReadExactly(Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            if (!Fill(1))
            {
                break;
            }

            var n = Math.Min(destination.Length - done, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination[done..]);
            Consume(n);
            done += n;
        }

        return done;
    }
}
