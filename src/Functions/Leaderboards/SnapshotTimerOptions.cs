namespace FlowFunctions.Functions.Leaderboards;

/// <summary>The <c>Snapshots</c> configuration section: the standalone timer that stands in for the timer function.</summary>
public sealed class SnapshotTimerOptions
{
    public const string Section = "Snapshots";

    /// <summary>Seconds between runs; the function app's timer trigger fires every 30 seconds too.</summary>
    public int IntervalSeconds { get; set; } = 30;
}
