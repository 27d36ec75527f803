using FlowFunctions.Ingest.Vendors;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>Chooses the reader for a set of vendor files by their first bytes (docs/importing.md).</summary>
public static class VendorTapes
{
    public static VendorTape Open(IReadOnlyList<string> files, VendorFilter filter)
    {
        var kinds = files.Select(f => (File: f, Kind: KindOf(f))).ToList();
        if (kinds.All(k => k.Kind == Kind.Dbn))
        {
            return new DatabentoTape(files, filter);
        }

        if (kinds.FirstOrDefault(k => k.Kind == Kind.Unknown) is { File: not null } unknown)
        {
            throw new FlowctlException($"{unknown.File}: at byte 0: neither a DBN file (plain or zstd) nor a Massive flat file (CSV, gzip or plain) or chain snapshot (JSON).");
        }

        return kinds.All(k => k.Kind == Kind.Massive)
            ? new MassiveTape(files, filter)
            : throw new FlowctlException($"{kinds.First(k => k.Kind == Kind.Dbn).File}: Databento and Massive files cannot be imported in one run; import each vendor's files on their own.");
    }

    private enum Kind
    {
        Unknown,
        Dbn,
        Massive,
    }

    private static Kind KindOf(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        var n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        return n >= 3 && head[0] == 'D' && head[1] == 'B' && head[2] == 'N' ? Kind.Dbn
            : n == 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD ? Kind.Dbn
            : n >= 2 && head[0] == 0x1F && head[1] == 0x8B ? Kind.Massive
            : n >= 1 && (head[0] == '{' || head[0] == '[' || char.IsAsciiLetterLower((char)head[0])) ? Kind.Massive
            : Kind.Unknown;
    }
}
