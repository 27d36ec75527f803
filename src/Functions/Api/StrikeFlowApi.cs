using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// <c>GET /v1/flow/zero-dte/strike-flow/{symbol}?bar=&amp;minutes=</c> (docs/api.md), alpha plan: today's 0DTE
/// expiry (New York date), bars inside both the window and today's date.
/// </summary>
public static class StrikeFlowApi
{
    public static IEndpointRouteBuilder MapStrikeFlowApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.StrikeFlow.Path, Endpoints.StrikeFlow.Methods, GetAsync).As(Endpoints.StrikeFlow);
        return app;
    }

    public static async Task<Results<CachedJson, JsonHttpResult<ApiError>>> GetAsync(
        string symbol,
        string? bar,
        string? minutes,
        IFlowStore store,
        MarketClock clock,
        ResponseCache cache,
        CancellationToken cancellationToken)
    {
        if (!RequestValues.TrySymbol(symbol, out var normalized, out var error))
        {
            return error!;
        }

        if (bar is not null && bar.Trim() != StrikeFlow.OneMinute)
        {
            return ApiErrors.BadBar(bar);
        }

        if (!RequestValues.TryClampedInt(minutes, "minutes", StrikeFlow.DefaultMinutes, StrikeFlow.MaxMinutes, out var window, out error))
        {
            return error!;
        }

        return await cache.GetAsync($"strike-flow|{normalized}|{window}", async () =>
        {
            var now = clock.Now;
            var today = NewYorkTime.TradingDate(now);
            var (first, last) = MinuteBucket.Window(now, window);
            first = Math.Max(first, MinuteBucket.Of(NewYorkTime.ToUtc(today, TimeOnly.MinValue)));
            var cells = await store.ReadZeroDteAsync(normalized, first, last, CancellationToken.None);
            var spot = await store.ReadSpotAsync(normalized, CancellationToken.None);
            return CachedJson.Of(StrikeFlow.Build(normalized, today, now, spot?.Price, cells), AnalyticsJsonContext.Default.StrikeFlowResponse, now);
        }, cancellationToken);
    }
}
