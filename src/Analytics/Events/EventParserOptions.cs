namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Limits the parser applies beyond the event contract. The accepted timestamp window comes from the caller's
/// clock (the domain reads none); null bounds are not checked.
/// </summary>
public sealed record EventParserOptions
{
    public static EventParserOptions Default { get; } = new();

    /// <summary>Prints and snapshots stamped before this are refused (for example now − 7 days).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Prints and snapshots stamped after this are refused (for example now + 5 minutes).</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Most contracts one chain event may carry.</summary>
    public int MaxChainContracts { get; init; } = 50_000;

    /// <summary>JSON nesting deeper than this is refused as malformed.</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>
    /// Whether flat events are read straight from the bytes (EventParser.Flat.cs); off, every value goes through the
    /// reader. The result is the same either way: the switch exists so tests can compare the two paths.
    /// </summary>
    internal bool FlatPath { get; init; } = true;
}
