using System.Text.Json;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// <c>POST /SnapshotLeaderboard</c>: the <c>timerTrigger</c> (every 30 seconds) as the host invokes a custom handler,
/// with <c>Data.timer</c> = <c>{"Schedule":...,"ScheduleStatus":...,"IsPastDue":...}</c>. Runs the
/// <see cref="SnapshotJob"/>; 200 when it ran, 503 when storage failed (the next tick runs it again).
/// </summary>
public static partial class TimerTrigger
{
    public static IEndpointRouteBuilder MapTimerTrigger(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + FunctionNames.SnapshotLeaderboard, HandleAsync).WithName(FunctionNames.SnapshotLeaderboard).ExcludeFromDescription();
        return app;
    }

    public static async Task HandleAsync(HttpContext context, SnapshotJob job, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TimerTrigger).FullName!);
        var pastDue = false;
        using var body = await RequestBody.ReadAsync(context, 1024 * 1024, context.RequestAborted);
        if (body is { Length: > 0 })
        {
            try
            {
                using var invocation = HostInvocation.Parse(RequestBody.Bytes(body));
                pastDue = HostInvocation.Property(invocation.Binding("timer"), "IsPastDue").ValueKind == JsonValueKind.True;
            }
            catch (FormatException)
            {
                // The timer's info is only reported; the job runs whatever the host sent.
            }
        }

        try
        {
            var result = await job.RunAsync(context.RequestAborted);
            await HostInvocation.RespondAsync(context, 200,
                [$"Leaderboard snapshots rebuilt for {result.Windows} windows{(pastDue ? " (the tick was past due)" : string.Empty)}; {result.DeliveryClaimsPruned} old delivery claims pruned; {result.StreamCloses} stream closes written."]);
        }
        catch (StoreException e)
        {
            LogFailed(logger, e);
            await HostInvocation.RespondAsync(context, 503, [$"Storage failed ({e.Message}); the next tick runs the job again."]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The snapshot job failed on storage; the next tick runs it again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
