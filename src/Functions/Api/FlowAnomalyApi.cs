using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary><c>GET /v1/strategies/flow-anomaly/{symbol}?expiry=</c> (docs/api.md), growth plan and up.</summary>
public static class FlowAnomalyApi
{
    public static IEndpointRouteBuilder MapFlowAnomalyApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.FlowAnomaly.Path, Endpoints.FlowAnomaly.Methods, GetAsync).As(Endpoints.FlowAnomaly);
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
        ChainFlowQuery.AnswerAsync("flow-anomaly", symbol, expiry, FlowAnomalyStrategy.Evaluate, AnalyticsJsonContext.Default.FlowAnomalyResponse, store, clock, pricing, cache, cancellationToken);
}
