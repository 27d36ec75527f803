using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Massive;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Massive files as one tape of the app's events (docs/importing.md "Massive"): chain snapshots first, then each day's
/// options trades joined with that day's quotes, with the spot from the stock files given. Numbered in that order,
/// the same on every run.
/// </summary>
public sealed class MassiveTape : IVendorTape, IVendorEventSink
{
    private readonly MassiveImporter _importer;
    private readonly Queue<TapeLine> _ready = new();
    private long _number;
    private long _skipped;

    public MassiveTape(IReadOnlyList<string> files, VendorFilter filter) => _importer = new MassiveImporter(files, filter, this);

    public long Length => _importer.Length;

    public long Position => _importer.Position;

    public VendorTally Tally => _importer.Tally;

    public TapeLine? Next()
    {
        while (_ready.Count == 0 && _importer.Step())
        {
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

    public void Dispose() => _importer.Dispose();
}
