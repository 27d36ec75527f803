using FlowFunctions.Ingest.Vendors;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// A tape over one vendor's files: its importer pushes events (<see cref="IVendorEventSink"/>), which are numbered in
/// the order they come and handed out one at a time, the same on every run.
/// </summary>
public abstract class VendorTape : ITape, IVendorEventSink
{
    private readonly Queue<TapeLine> _ready = new();
    private long _number;
    private long _skipped;

    public abstract long Length { get; }

    public abstract long Position { get; }

    /// <summary>What the importer read, wrote and skipped.</summary>
    public abstract VendorTally Tally { get; }

    public TapeLine? Next()
    {
        while (_ready.Count == 0 && Advance())
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

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads on (a record, a row, a file's start); false when the files are done.</summary>
    protected abstract bool Advance();

    protected abstract void Dispose(bool disposing);
}
