using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Leaderboards;

/// <summary>What one run of the snapshot job did.</summary>
public readonly record struct SnapshotJobResult(int Windows, int DeliveryClaimsPruned, int StreamCloses = 0);

/// <summary>
/// The 30-second job, whoever runs it (the timer trigger under the Functions host, <see cref="SnapshotTimer"/>
/// standalone): rebuild the leaderboard snapshots (<see cref="LeaderboardSnapshots.RefreshAsync"/>), then prune what no
/// endpoint can ask for any more: aggregates past the longest window (the store throttles itself to once an hour) and,
/// once an hour, Event Hubs delivery claims past their retention and stream journals of days before yesterday. It also
/// closes the stream's due minutes (<see cref="MinuteCloser"/>), so the journal is complete for later resumes even while
/// no instance holds a stream open, and writes the day archive once a session has settled (<see cref="Archive.ArchiveJob"/>).
/// Thread-safe.
/// </summary>
public sealed class SnapshotJob(LeaderboardSnapshots snapshots, IFlowStore flows, EventHubIngest deliveries, MinuteCloser closer, IStreamJournal journal, MarketClock clock, Archive.ArchiveJob archive)
{
    private static readonly TimeSpan DeliveryPruneInterval = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private DateTimeOffset _nextDeliveryPrune = DateTimeOffset.MinValue;

    public async Task<SnapshotJobResult> RunAsync(CancellationToken cancellationToken)
    {
        var windows = await snapshots.RefreshAsync(cancellationToken);
        var closes = await closer.CloseDueAsync(cancellationToken);
        await flows.PruneAsync(clock.Now, cancellationToken);
        var pruned = 0;
        if (DeliveryPruneDue())
        {
            pruned = await deliveries.PruneAsync(cancellationToken);
            await journal.PruneAsync(NewYorkTime.TradingDate(clock.Now).AddDays(-1), cancellationToken);
        }

        await archive.RunDueAsync(cancellationToken);

        return new SnapshotJobResult(windows, pruned, closes);
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
