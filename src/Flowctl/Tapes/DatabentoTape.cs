using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Databento;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Databento DBN files as one tape of the app's events (docs/importing.md "Databento"): the files are read in the
/// importer's order (definitions, then statistics, then prints; by name within each), one record at a time, so memory
/// holds the contracts and open interest seen, never a file. Every event is numbered in that order, the same on every run.
/// </summary>
public sealed class DatabentoTape : VendorTape
{
    private readonly List<string> _files;
    private readonly DatabentoImporter _importer;
    private readonly long[] _lengths;
    private DbnReader? _reader;
    private int _next;
    private bool _finished;

    public DatabentoTape(IReadOnlyList<string> files, VendorFilter filter)
    {
        // Each file's header decides its place; a bad header fails the import before anything is sent.
        _files = [.. files.Select(f => (File: f, Order: OrderOf(f))).OrderBy(f => f.Order).ThenBy(f => f.File, StringComparer.Ordinal).Select(f => f.File)];
        _lengths = [.. _files.Select(f => new FileInfo(f).Length)];
        Length = _lengths.Sum();
        _importer = new DatabentoImporter(this, filter);
    }

    public override long Length { get; }

    public override long Position => _lengths.Take(Math.Max(0, _next - 1)).Sum() + (_reader?.FilePosition ?? 0);

    public override VendorTally Tally => _importer.Tally;

    protected override bool Advance()
    {
        if (_finished)
        {
            return false;
        }

        if (_reader is not null && _reader.Next(out var record))
        {
            _importer.Read(_reader, record);
            return true;
        }

        _reader?.Dispose();
        _reader = null;
        if (_next < _files.Count)
        {
            _reader = DbnReader.Open(_files[_next++]);
            DatabentoImporter.Begin(_reader);
        }
        else
        {
            _importer.Finish();
            _finished = true;
        }

        return true;
    }

    protected override void Dispose(bool disposing)
    {
        _reader?.Dispose();
        _importer.Dispose();
    }

    private static int OrderOf(string file)
    {
        using var reader = DbnReader.Open(file);
        return DatabentoImporter.Order(reader.Metadata);
    }
}
