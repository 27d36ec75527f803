using FlowFunctions.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Leaderboards;

/// <summary>
/// Standalone mode's stand-in for the timer trigger: every 30 seconds it runs the <see cref="SnapshotJob"/>, the same
/// operation the timer trigger runs under the Functions host (where this service stays idle). A failed run is logged
/// and the next one tries again.
/// </summary>
public sealed partial class SnapshotTimer(
    SnapshotJob job,
    AppMode mode,
    MarketClock clock,
    IOptions<SnapshotTimerOptions> options,
    ILogger<SnapshotTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!mode.IsStandalone)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds));
        using var timer = new PeriodicTimer(interval, clock.WallClock);
        do
        {
            try
            {
                await job.RunAsync(stoppingToken);
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
