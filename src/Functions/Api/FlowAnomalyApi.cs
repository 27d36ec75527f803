using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary><c>GET /v1/strategies/flow-anomaly/{symbol}?expiry=</c> (seed page 000), growth plan and up.</summary>
public static class FlowAnomalyApi
{
    public static RouteGroupBuilder MapFlowAnomalyApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/strategies/flow-anomaly/{symbol}", GetAsync).RequirePlan(Plan.Growth).WithName("FlowAnomaly");
        return v1;
    }

    public static async Task<Results<JsonHttpResult<FlowAnomalyResponse>, JsonHttpResult<ApiError>>> GetAsync(
        string symbol,
        string? expiry,
        IFlowStore store,
        MarketClock clock,
        PricingParameters pricing,
        CancellationToken cancellationToken)
    {
        var (input, error) = await ChainFlowQuery.ReadAsync(symbol, expiry, store, clock, pricing, cancellationToken);
        if (input is null)
        {
            return error!;
        }

        return TypedResults.Json(FlowAnomalyStrategy.Evaluate(input), AnalyticsJsonContext.Default.FlowAnomalyResponse);
    }
}
