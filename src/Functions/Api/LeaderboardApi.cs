using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// <c>GET /v1/flow/options/leaderboard?n=&amp;windowMinutes=</c> (docs/api.md), alpha plan, answered from the
/// 30-second snapshots (<see cref="LeaderboardSnapshots"/>). <c>Cache-Control</c> tells clients how long the
/// snapshot they got stays the answer. The serialized head of a snapshot is shared for <see cref="ResponseCache.Lifetime"/>.
/// </summary>
public static class LeaderboardApi
{
    public static IEndpointRouteBuilder MapLeaderboardApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.Leaderboard.Path, Endpoints.Leaderboard.Methods, GetAsync).As(Endpoints.Leaderboard);
        return app;
    }

    public static async Task<Results<CachedJson, JsonHttpResult<ApiError>>> GetAsync(
        string? n,
        string? windowMinutes,
        LeaderboardSnapshots snapshots,
        MarketClock clock,
        ResponseCache cache,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!RequestValues.TryClampedInt(n, "n", Leaderboard.DefaultN, Leaderboard.MaxN, out var rows, out var error)
            || !RequestValues.TryClampedInt(windowMinutes, "windowMinutes", Leaderboard.DefaultWindowMinutes, Leaderboard.MaxWindowMinutes, out var window, out error))
        {
            return error!;
        }

        if (!snapshots.TryAdmit(window, out var retryAfter))
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiErrors.Create(429, ApiErrors.RateLimited,
                $"At most {LeaderboardSnapshots.MaxRecentWindows} windows besides {string.Join(", ", LeaderboardSnapshots.StandardWindows)} are built per {LeaderboardSnapshots.RecentRequest.TotalMinutes:0} minutes; ask for one of those, or retry in {seconds} s.");
        }

        // BuiltUtc carries the snapshot's own time, for the Cache-Control below.
        var answer = await cache.GetAsync($"leaderboard|{window}|{rows}", async () =>
        {
            var snapshot = await snapshots.GetAsync(window, CancellationToken.None);
            return CachedJson.Of(LeaderboardSnapshots.Head(snapshot, rows), AnalyticsJsonContext.Default.LeaderboardResponse, snapshot.GeneratedUtc);
        }, cancellationToken);
        var age = clock.Now - answer.BuiltUtc;
        var fresh = (int)Math.Clamp((LeaderboardSnapshots.FreshFor - age).TotalSeconds, 0, LeaderboardSnapshots.FreshFor.TotalSeconds);
        response.Headers.CacheControl = $"private, max-age={fresh}";
        return answer;
    }
}
