namespace FlowFunctions.Storage.Memory;

/// <summary>Leaderboard snapshots in memory, newest kept per window. Thread-safe.</summary>
public sealed class MemorySnapshotStore : ISnapshotStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, LeaderboardSnapshot> _snapshots = [];
    private readonly ETags _etags = new();

    public Task<LeaderboardSnapshot?> GetAsync(int windowMinutes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_snapshots.GetValueOrDefault(windowMinutes));
        }
    }

    public Task<LeaderboardSnapshot> PutIfNewerAsync(LeaderboardSnapshot snapshot, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_snapshots.TryGetValue(snapshot.WindowMinutes, out var held) && held.GeneratedUtc > snapshot.GeneratedUtc)
            {
                return Task.FromResult(held);
            }

            var stored = snapshot with { ETag = _etags.Next() };
            _snapshots[snapshot.WindowMinutes] = stored;
            return Task.FromResult(stored);
        }
    }
}
