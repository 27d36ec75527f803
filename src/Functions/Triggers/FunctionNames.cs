namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// The function app's functions, one folder each under <c>src/Functions/FunctionApp</c> (copied to the root of the
/// published app). The host invokes a non-HTTP function with <c>POST /{name}</c>; it forwards an HTTP function's
/// request to the handler at the request's own path and query.
/// </summary>
public static class FunctionNames
{
    /// <summary>The <c>eventHubTrigger</c>: batches of events (docs/api.md "Events") from the hub.</summary>
    public const string IngestEvents = "IngestEvents";

    /// <summary>The <c>timerTrigger</c> every 30 seconds: the leaderboard snapshots and pruning.</summary>
    public const string SnapshotLeaderboard = "SnapshotLeaderboard";

    /// <summary>The functions the host invokes over the custom-handler protocol (not forwarded HTTP requests).</summary>
    public static IReadOnlyList<string> Triggers { get; } = [IngestEvents, SnapshotLeaderboard];
}
