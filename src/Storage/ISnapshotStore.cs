using FlowFunctions.Analytics.Flow;

namespace FlowFunctions.Storage;

/// <summary>A leaderboard computed for one window at full depth (50 rows a side), with the store's ETag.</summary>
public sealed record LeaderboardSnapshot(int WindowMinutes, LeaderboardResponse Board, string ETag = "")
{
    public DateTimeOffset GeneratedUtc => Board.GeneratedUtc;
}

/// <summary>Leaderboard snapshots by window. Thread-safe.</summary>
public interface ISnapshotStore
{
    Task<LeaderboardSnapshot?> GetAsync(int windowMinutes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a snapshot unless the stored one is newer (two writers racing keep the newest). Returns what is stored
    /// afterwards, with its ETag.
    /// </summary>
    Task<LeaderboardSnapshot> PutIfNewerAsync(LeaderboardSnapshot snapshot, CancellationToken cancellationToken);
}
