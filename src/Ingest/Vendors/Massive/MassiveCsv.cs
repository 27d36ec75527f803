using System.IO.Compression;
using nietras.SeparatedValues;

namespace FlowFunctions.Ingest.Vendors.Massive;

/// <summary>What a Massive file holds, told by its header (or, for a snapshot, by being JSON).</summary>
public enum MassiveFileKind
{
    OptionTrades,
    OptionQuotes,
    StockMinutes,
    StockTrades,
    ChainSnapshot,
}

/// <summary>
/// One Massive flat file (CSV, gzip as delivered or plain), read row by row with its columns found by their header
/// names: published files leave out columns the documentation lists (<c>participant_timestamp</c>), so no position is
/// assumed. Errors name the file and the line. Not thread-safe.
/// </summary>
public sealed class MassiveCsv : IDisposable
{
    private readonly Stream _file;
    private readonly SepReader _reader;
    private int _lastLine = 1;

    public MassiveCsv(string path)
    {
        Name = path;
        _file = File.OpenRead(path);
        var gzip = _file.ReadByte() == 0x1F & _file.ReadByte() == 0x8B;
        _file.Position = 0;
        Stream text = gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        try
        {
            _reader = Sep.Reader(o => o with { Unescape = true, HasHeader = true }).From(text);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            // A damaged gzip stream, or a header that names a column twice.
            _file.Dispose();
            throw new VendorFormatException($"{path}: line 1: the file cannot be read ({e.Message}).");
        }

        Kind = KindOf(_reader.Header);
    }

    public string Name { get; }

    public MassiveFileKind Kind { get; }

    /// <summary>Bytes of the file (compressed, if it is) read so far.</summary>
    public long Position => _file.Position;

    public long Length => _file.Length;

    /// <summary>The line the current row starts on (the header is line 1).</summary>
    public int Line => _reader.Current.LineNumberFrom;

    public SepReader.Row Row => _reader.Current;

    /// <summary>The index of a column the file must have; a <see cref="VendorFormatException"/> naming it when absent.</summary>
    public int Column(string name) => _reader.Header.TryIndexOf(name, out var index)
        ? index
        : throw new VendorFormatException($"{Name}: line 1: the header has no \"{name}\" column (it has {string.Join(", ", _reader.Header.ColNames)}).");

    public bool Next()
    {
        try
        {
            var more = _reader.MoveNext();
            _lastLine = more ? _reader.Current.LineNumberFrom : _lastLine;
            return more;
        }
        catch (InvalidDataException e)
        {
            // A damaged gzip stream, or a row with another number of columns than the header.
            throw new VendorFormatException($"{Name}: after line {_lastLine}: the file cannot be read ({e.Message}).");
        }
    }

    public VendorFormatException Bad(string what) => new($"{Name}: line {Line}: {what}.");

    /// <summary>A cell as a whole number (nanosecond timestamps, sizes); a <see cref="VendorFormatException"/> otherwise.</summary>
    public long Integer(int column, string what)
    {
        var cell = Row[column].Span;
        var dot = cell.IndexOf('.'); // sizes are written 5 or 5.000000 (stocks may trade fractions)
        if (dot >= 0 && cell[(dot + 1)..].TrimEnd('0').IsEmpty)
        {
            cell = cell[..dot];
        }

        return long.TryParse(cell, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad($"{what} \"{cell}\" is not a whole number");
    }

    /// <summary>A decimal price cell exactly, as units of 10^-scale (up to nine decimals).</summary>
    public Fixed Price(int column, string what) =>
        Fixed.TryParse(Row[column].Span, out var price) ? price : throw Bad($"{what} \"{Row[column].Span}\" is not a price");

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }

    private MassiveFileKind KindOf(SepReaderHeader header)
    {
        bool Has(string name) => header.TryIndexOf(name, out _);
        if (Has("bid_price") && Has("ask_price"))
        {
            return MassiveFileKind.OptionQuotes;
        }

        if (Has("window_start") && Has("open"))
        {
            return MassiveFileKind.StockMinutes;
        }

        if (!Has("ticker") || !Has("price") || !Has("sip_timestamp"))
        {
            throw new VendorFormatException($"{Name}: line 1: not a Massive trades, quotes or minute-aggregates file (its header is {string.Join(",", header.ColNames)}).");
        }

        // Option tickers carry the O: prefix; the first row tells trades of options from trades of stocks.
        return Has("tape") || Has("trf_id") ? MassiveFileKind.StockTrades : MassiveFileKind.OptionTrades;
    }
}
