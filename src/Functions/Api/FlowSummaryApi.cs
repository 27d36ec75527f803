using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// <c>GET /v1/flow/summary/{symbol}?expiry=</c> (docs/api.md), growth plan and up. A symbol with no chain and no
/// prints today is 404 <c>symbol_not_found</c>, as for flow anomaly, rather than a made-up <c>no_flow</c>.
/// </summary>
public static class FlowSummaryApi
{
    public static IEndpointRouteBuilder MapFlowSummaryApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.FlowSummary.Path, Endpoints.FlowSummary.Methods, GetAsync).As(Endpoints.FlowSummary);
        return app;
    }

    public static Task<Results<CachedJson, JsonHttpResult<ApiError>>> GetAsync(
        string symbol,
        string? expiry,
        IFlowStore store,
        MarketClock clock,
        PricingParameters pricing,
        ResponseCache cache,
        CancellationToken cancellationToken) =>
        ChainFlowQuery.AnswerAsync("summary", symbol, expiry, FlowSummary.Build, AnalyticsJsonContext.Default.FlowSummaryResponse, store, clock, pricing, cache, cancellationToken);
}
