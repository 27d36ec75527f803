using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// The five flow endpoints' answers from validated arguments (docs/api.md "Endpoints"), transport-neutral: the HTTP
/// routes (<see cref="QueryRoutes"/>) and the MCP tools (Mcp/EndpointTools.cs) call these and nothing else. Each answer
/// is shared through the <see cref="ResponseCache"/> per its arguments.
/// </summary>
public static class FlowQueries
{
    /// <summary>Net contracts per minute and their running sum over the window; an unknown symbol is 200 with no points.</summary>
    public static async Task<QueryAnswer> CumulativeAsync(QueryArguments args, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (symbol, window) = (args.Symbol(), args.Number("minutes"));
        if (!AsOf.TryResolve(args, services, out var asOf, out var refused))
        {
            return refused;
        }

        return await services.GetRequiredService<ResponseCache>().GetAsync($"cumulative|{symbol}|{window}{asOf.Key}", async () =>
        {
            var (now, store) = asOf.Read();
            var (first, last) = MinuteBucket.Window(now, window);
            var buckets = await store.ReadMinutesAsync(symbol, first, last, CancellationToken.None);
            return CachedJson.Of(CumulativeFlow.Build(symbol, window, buckets), AnalyticsJsonContext.Default.CumulativeFlowResponse, now);
        }, cancellationToken);
    }

    /// <summary>Today's 0DTE expiry (New York date) by strike and minute, bars inside both the window and today's date.</summary>
    public static async Task<QueryAnswer> StrikeFlowAsync(QueryArguments args, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (symbol, window) = (args.Symbol(), args.Number("minutes"));
        if (!AsOf.TryResolve(args, services, out var asOf, out var refused))
        {
            return refused;
        }

        return await services.GetRequiredService<ResponseCache>().GetAsync($"strike-flow|{symbol}|{window}{asOf.Key}", async () =>
        {
            var (now, store) = asOf.Read();
            var today = NewYorkTime.TradingDate(now);
            var (first, last) = MinuteBucket.Window(now, window);
            first = Math.Max(first, MinuteBucket.Of(NewYorkTime.ToUtc(today, TimeOnly.MinValue)));
            var cells = await store.ReadZeroDteAsync(symbol, first, last, CancellationToken.None);
            var spot = await store.ReadSpotAsync(symbol, CancellationToken.None);
            return CachedJson.Of(StrikeFlow.Build(symbol, today, now, spot?.Price, cells), AnalyticsJsonContext.Default.StrikeFlowResponse, now);
        }, cancellationToken);
    }

    /// <summary>Whether today's flow reshapes dealer gamma; 404 <c>symbol_not_found</c> for a symbol with no chain and no prints today.</summary>
    public static Task<QueryAnswer> SummaryAsync(QueryArguments args, IServiceProvider services, CancellationToken cancellationToken) =>
        ChainAsync("summary", args, FlowSummary.Build, AnalyticsJsonContext.Default.FlowSummaryResponse, services, cancellationToken);

    /// <summary>Whether one-sided flow is a trade; 404 as the summary.</summary>
    public static Task<QueryAnswer> AnomalyAsync(QueryArguments args, IServiceProvider services, CancellationToken cancellationToken) =>
        ChainAsync("flow-anomaly", args, FlowAnomalyStrategy.Evaluate, AnalyticsJsonContext.Default.FlowAnomalyResponse, services, cancellationToken);

    /// <summary>
    /// The market-wide leaderboard from the 30-second snapshots (<see cref="LeaderboardSnapshots"/>), with how long the
    /// snapshot stays the answer as <c>Cache-Control</c>; a window past the build allowance is 429 with its retry time.
    /// </summary>
    public static async Task<QueryAnswer> LeaderboardAsync(QueryArguments args, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (rows, window) = (args.Number("n"), args.Number("windowMinutes"));
        if (!AsOf.TryResolve(args, services, out var asOf, out var refused))
        {
            return refused;
        }

        if (asOf.IsPast)
        {
            // A past instant has no snapshots: the board is built from the store as it stood then, as a snapshot at that
            // instant would have been.
            return await services.GetRequiredService<ResponseCache>().GetAsync($"leaderboard|{window}|{rows}{asOf.Key}", async () =>
            {
                var (now, store) = asOf.Read();
                var (first, last) = MinuteBucket.Window(now, window);
                var board = Analytics.Flow.Leaderboard.Build(await store.ReadWindowTotalsAsync(first, last, CancellationToken.None), Analytics.Flow.Leaderboard.MaxN, window, now);
                return CachedJson.Of(LeaderboardSnapshots.Head(new LeaderboardSnapshot(window, board), rows), AnalyticsJsonContext.Default.LeaderboardResponse, now);
            }, cancellationToken);
        }

        var snapshots = services.GetRequiredService<LeaderboardSnapshots>();
        if (!snapshots.TryAdmit(window, out var retryAfter))
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
            return new QueryAnswer(
                ApiErrors.Create(429, ApiErrors.RateLimited, $"At most {LeaderboardSnapshots.MaxRecentWindows} windows besides {string.Join(", ", LeaderboardSnapshots.StandardWindows)} are built per {LeaderboardSnapshots.RecentRequest.TotalMinutes:0} minutes; ask for one of those, or retry in {seconds} s."),
                RetryAfterSeconds: seconds);
        }

        // BuiltUtc carries the snapshot's own time, for the Cache-Control below.
        var answer = await services.GetRequiredService<ResponseCache>().GetAsync($"leaderboard|{window}|{rows}", async () =>
        {
            var snapshot = await snapshots.GetAsync(window, CancellationToken.None);
            return CachedJson.Of(LeaderboardSnapshots.Head(snapshot, rows), AnalyticsJsonContext.Default.LeaderboardResponse, snapshot.GeneratedUtc);
        }, cancellationToken);
        var age = services.GetRequiredService<MarketClock>().Now - answer.BuiltUtc;
        var fresh = (int)Math.Clamp((LeaderboardSnapshots.FreshFor - age).TotalSeconds, 0, LeaderboardSnapshots.FreshFor.TotalSeconds);
        return new QueryAnswer(answer, CacheControl: $"private, max-age={fresh}");
    }

    private static async Task<QueryAnswer> ChainAsync<T>(
        string endpoint,
        QueryArguments args,
        Func<ChainFlowInput, T> compute,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        var query = new ChainFlowRequest(args.Symbol(), args.Date("expiry"));
        if (!AsOf.TryResolve(args, services, out var asOf, out var refused))
        {
            return refused;
        }

        var pricing = services.GetRequiredService<PricingParameters>();
        return await services.GetRequiredService<ResponseCache>().GetAsync($"{endpoint}|{query.Symbol}|{query.Expiry:yyyy-MM-dd}{asOf.Key}", async () =>
        {
            var (now, store) = asOf.Read();
            var (input, notFound) = await ChainFlowQuery.ReadAsync(query, store, now, pricing, CancellationToken.None);
            return input is null ? ApiErrors.Cached(notFound!, now) : CachedJson.Of(compute(input), type, input.Now);
        }, cancellationToken);
    }
}
