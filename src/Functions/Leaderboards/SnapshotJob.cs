using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Leaderboards;

/// <summary>What one run of the snapshot job did.</summary>
public readonly record struct SnapshotJobResult(int Windows, int DeliveryClaimsPruned);

/// <summary>
/// The 30-second job, whoever runs it (the timer trigger under the Functions host, <see cref="SnapshotTimer"/>
/// standalone): rebuild the leaderboard snapshots (<see cref="LeaderboardSnapshots.RefreshAsync"/>), then prune what no
/// endpoint can ask for any more: aggregates past the longest window (the store throttles itself to once an hour) and,
/// once an hour, Event Hubs delivery claims past their retention. Thread-safe.
/// </summary>
public sealed class SnapshotJob(LeaderboardSnapshots snapshots, IFlowStore flows, EventHubIngest deliveries, MarketClock clock)
{
    private static readonly TimeSpan DeliveryPruneInterval = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private DateTimeOffset _nextDeliveryPrune = DateTimeOffset.MinValue;

    public async Task<SnapshotJobResult> RunAsync(CancellationToken cancellationToken)
    {
        var windows = await snapshots.RefreshAsync(cancellationToken);
        await flows.PruneAsync(clock.Now, cancellationToken);
        var pruned = 0;
        if (DeliveryPruneDue())
        {
            pruned = await deliveries.PruneAsync(cancellationToken);
        }

        return new SnapshotJobResult(windows, pruned);
    }

    private bool DeliveryPruneDue()
    {
        var now = clock.WallClock.GetUtcNow();
        lock (_gate)
        {
            if (now < _nextDeliveryPrune)
            {
                return false;
            }

            _nextDeliveryPrune = now + DeliveryPruneInterval;
            return true;
        }
    }
}
