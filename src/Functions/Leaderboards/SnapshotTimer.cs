using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Storage;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Leaderboards;

/// <summary>
/// Standalone mode's stand-in for the timer function: every 30 seconds it runs
/// <see cref="LeaderboardSnapshots.RefreshAsync"/> (the same operation the timer trigger calls) and prunes what no
/// endpoint can ask for any more. A failed run is logged and the next one tries again.
/// </summary>
public sealed partial class SnapshotTimer(
    LeaderboardSnapshots snapshots,
    IFlowStore flows,
    MarketClock clock,
    IOptions<SnapshotTimerOptions> options,
    ILogger<SnapshotTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds));
        using var timer = new PeriodicTimer(interval, clock.WallClock);
        do
        {
            try
            {
                await snapshots.RefreshAsync(stoppingToken);
                await flows.PruneAsync(clock.Now, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaderboard snapshot run failed; the next run retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
