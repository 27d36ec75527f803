using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// What the chain-level endpoints (flow summary, flow anomaly) and the stream's alerts compute from: today's chain, flow
/// and spot of one symbol (<see cref="FlowQueries"/>, Streaming/MinuteCloser.cs).
/// </summary>
public static class ChainFlowQuery
{
    /// <summary>
    /// The input to compute from, or 404 <c>symbol_not_found</c> when the symbol has neither a chain nor a print today
    /// (docs/methodology.md §9).
    /// </summary>
    public static async Task<(ChainFlowInput? Input, JsonHttpResult<ApiError>? NotFound)> ReadAsync(
        ChainFlowRequest query,
        IFlowStore store,
        DateTimeOffset now,
        PricingParameters pricing,
        CancellationToken cancellationToken)
    {
        var (symbol, expiry) = query;
        var today = NewYorkTime.TradingDate(now);
        var chain = await store.ReadChainAsync(symbol, today, cancellationToken);
        var flows = await store.ReadContractsAsync(symbol, today, cancellationToken);
        if (chain is null && flows.Count == 0)
        {
            return (null, ApiErrors.NoSymbol(symbol));
        }

        var spot = await store.ReadSpotAsync(symbol, cancellationToken);
        var (price, at) = spot is { } s ? (s.Price, s.Timestamp)
            : chain is not null ? (chain.Spot, chain.SpotTimestamp)
            : (double.NaN, DateTimeOffset.MinValue);
        return (new ChainFlowInput(symbol, now, today, price, at, chain, flows, expiry, pricing), null);
    }
}

/// <summary>A validated chain-level request: the normalized symbol and the expiry filter (null for all expiries).</summary>
public readonly record struct ChainFlowRequest(string Symbol, DateOnly? Expiry);
