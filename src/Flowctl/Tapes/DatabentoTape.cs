using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Databento;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Databento DBN files as one tape of the app's events (docs/importing.md "Databento"): the files are read in the
/// importer's order (definitions, then statistics, then prints; by name within each), one record at a time, so memory
/// holds the contracts and open interest seen, never a file. Every event is numbered in that order, the same on every run.
/// </summary>
public sealed class DatabentoTape : IVendorTape, IVendorEventSink
{
    private readonly List<string> _files;
    private readonly DatabentoImporter _importer;
    private readonly Queue<TapeLine> _ready = new();
    private readonly long[] _lengths;
    private DbnReader? _reader;
    private int _next;
    private bool _finished;
    private long _number;
    private long _skipped;

    public DatabentoTape(IReadOnlyList<string> files, VendorFilter filter)
    {
        // Each file's header decides its place; a bad header fails the import before anything is sent.
        _files = [.. files.Select(f => (File: f, Order: OrderOf(f))).OrderBy(f => f.Order).ThenBy(f => f.File, StringComparer.Ordinal).Select(f => f.File)];
        _lengths = [.. _files.Select(f => new FileInfo(f).Length)];
        Length = _lengths.Sum();
        _importer = new DatabentoImporter(this, filter);
    }

    public long Length { get; }

    public long Position => _lengths.Take(Math.Max(0, _next - 1)).Sum() + (_reader?.FilePosition ?? 0);

    public VendorTally Tally => _importer.Tally;

    public TapeLine? Next()
    {
        while (_ready.Count == 0 && !_finished)
        {
            if (_reader is not null && _reader.Next(out var record))
            {
                _importer.Read(_reader, record);
                continue;
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
        }

        return _ready.TryDequeue(out var line) ? line : null;
    }

    public void SkipTo(long line)
    {
        while (_skipped < line && Next() is { } skipped)
        {
            _skipped = skipped.Number;
        }
    }

    void IVendorEventSink.Event(ReadOnlySpan<byte> json, string underlying, long timestampNanos) =>
        _ready.Enqueue(new TapeLine(++_number, json.ToArray(), underlying, DateTimeOffset.UnixEpoch.AddTicks(timestampNanos / 100), null));

    public void Dispose()
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
