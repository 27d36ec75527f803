using FlowFunctions.Analytics.Json;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Leaderboard snapshots as blobs <c>leaderboard/{window}.json</c> in the <c>snapshots</c> container, holding the
/// response JSON at full depth. Writers race through ETags: a snapshot replaces the stored one only if it is at least
/// as new. Thread-safe.
/// </summary>
public sealed class AzureSnapshotStore(StoreContainer blobs) : ISnapshotStore
{
    public async Task<LeaderboardSnapshot?> GetAsync(int windowMinutes, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var blob = await blobs.GetAsync(Name(windowMinutes), cancellationToken);
        return blob is null ? null : new LeaderboardSnapshot(windowMinutes, blob.Data.ToObjectFromJson(AnalyticsJsonContext.Default.LeaderboardResponse)!, blob.ETag);
    }

    public async Task<LeaderboardSnapshot> PutIfNewerAsync(LeaderboardSnapshot snapshot, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var data = BinaryData.FromObjectAsJson(snapshot.Board, AnalyticsJsonContext.Default.LeaderboardResponse);
        for (var attempt = 0; ; attempt++)
        {
            var held = await GetAsync(snapshot.WindowMinutes, cancellationToken);
            if (held is not null && held.GeneratedUtc > snapshot.GeneratedUtc)
            {
                return held;
            }

            try
            {
                var etag = await blobs.PutAsync(Name(snapshot.WindowMinutes), data, "application/json", held?.ETag, held is null ? "*" : null, cancellationToken);
                return snapshot with { ETag = etag };
            }
            catch (StoreException e) when (e.Failure is StoreFailure.PreconditionFailed or StoreFailure.Conflict && attempt < 5)
            {
                // Another writer got there first: compare with what it wrote.
            }
        }
    }

    private static string Name(int windowMinutes) => $"leaderboard/{windowMinutes}.json";
}
