using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary><c>GET /v1/strategies/flow-anomaly/{symbol}?expiry=</c> (docs/api.md), growth plan and up.</summary>
public static class FlowAnomalyApi
{
    public static RouteGroupBuilder MapFlowAnomalyApi(this RouteGroupBuilder v1)
    {
        v1.MapMethods("/strategies/flow-anomaly/{symbol}", ReadVerbs.GetOrHead, GetAsync).RequirePlan(Plan.Growth).WithName("FlowAnomaly");
        return v1;
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
