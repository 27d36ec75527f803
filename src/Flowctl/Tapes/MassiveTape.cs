using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Massive;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Massive files as one tape of the app's events (docs/importing.md "Massive"): chain snapshots first, then each day's
/// options trades joined with that day's quotes, with the spot from the stock files given.
/// </summary>
public sealed class MassiveTape : VendorTape
{
    private readonly MassiveImporter _importer;

    public MassiveTape(IReadOnlyList<string> files, VendorFilter filter) => _importer = new MassiveImporter(files, filter, this);

    public override long Length => _importer.Length;

    public override long Position => _importer.Position;

    public override VendorTally Tally => _importer.Tally;

    protected override bool Advance() => _importer.Step();

    protected override void Dispose(bool disposing) => _importer.Dispose();
}
