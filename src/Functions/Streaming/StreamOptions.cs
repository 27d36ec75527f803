using FlowFunctions.Analytics.Streaming;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// The <c>Stream</c> configuration section (docs/api.md "Live flow stream"): what a block print is, how often the
/// stream beats and polls, when a minute closes, how far a reader may fall behind, and how long one stream lives.
/// </summary>
public sealed class StreamOptions
{
    public const string Section = "Stream";

    /// <summary>A print of at least this many contracts is a block (docs/methodology.md §14).</summary>
    public int BlockMinContracts { get; set; } = BlockRule.DefaultMinContracts;

    /// <summary>A print of at least this premium, in dollars, is a block.</summary>
    public long BlockMinPremium { get; set; } = BlockRule.DefaultMinPremiumCents / 100;

    /// <summary>How often each instance reads the keys holding its streams open, past the key cache, to end a revoked key's streams (<see cref="StreamKeyWatch"/>).</summary>
    public int KeyCheckSeconds { get; set; } = 10;

    /// <summary>A comment line is sent after this many seconds without an event, so no front end takes the stream for idle.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>The <c>retry:</c> hint: how long a client waits before it reconnects.</summary>
    public int RetryMilliseconds { get; set; } = 3_000;

    /// <summary>A minute closes (its final event is journaled) this long after it ends, for prints still on their way.</summary>
    public int CloseGraceSeconds { get; set; } = 5;

    /// <summary>How often an instance with open streams reads the journal for other instances' pages and rebuilds previews.</summary>
    public int PollMilliseconds { get; set; } = 1_000;

    /// <summary>A stream that stays behind the journal's live end this long (it reads too slowly) is ended with <c>slow</c>.</summary>
    public int MaxLagSeconds { get; set; } = 30;

    /// <summary>A stream is ended with <c>end</c> after this long (0: never); under the Functions host by default 540 s, inside <c>functionTimeout</c>.</summary>
    public int MaxLifetimeSeconds { get; set; }

    /// <summary>Recent journal pages kept in memory per instance for resumes and slow streams, in bytes.</summary>
    public long CacheBytes { get; set; } = 32L << 20;

    public BlockRule Blocks => new(Math.Max(1, BlockMinContracts), Math.Max(1, BlockMinPremium) * 100);
}
