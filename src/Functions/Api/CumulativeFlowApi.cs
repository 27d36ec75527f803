using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// <c>GET /v1/flow/options/{symbol}/cumulative?minutes=</c> (docs/api.md), alpha plan. An unknown symbol is 200
/// with <c>count: 0</c> (docs/api.md "Endpoints").
/// </summary>
public static class CumulativeFlowApi
{
    public static IEndpointRouteBuilder MapCumulativeFlowApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.CumulativeFlow.Path, Endpoints.CumulativeFlow.Methods, GetAsync).As(Endpoints.CumulativeFlow);
        return app;
    }

    public static async Task<Results<CachedJson, JsonHttpResult<ApiError>>> GetAsync(
        string symbol,
        string? minutes,
        IFlowStore store,
        MarketClock clock,
        ResponseCache cache,
        CancellationToken cancellationToken)
    {
        if (!RequestValues.TrySymbol(symbol, out var normalized, out var error)
            || !RequestValues.TryClampedInt(minutes, "minutes", CumulativeFlow.DefaultMinutes, CumulativeFlow.MaxMinutes, out var window, out error))
        {
            return error!;
        }

        return await cache.GetAsync($"cumulative|{normalized}|{window}", async () =>
        {
            var now = clock.Now;
            var (first, last) = MinuteBucket.Window(now, window);
            var buckets = await store.ReadMinutesAsync(normalized, first, last, CancellationToken.None);
            return CachedJson.Of(CumulativeFlow.Build(normalized, window, buckets), AnalyticsJsonContext.Default.CumulativeFlowResponse, now);
        }, cancellationToken);
    }
}
