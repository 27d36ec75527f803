using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// The shared front half of the chain-level endpoints (flow summary, flow anomaly): validates the symbol and expiry,
/// then reads today's chain, flow and spot.
/// </summary>
public static class ChainFlowQuery
{
    /// <summary>
    /// The input to compute from, or the error to answer: 400 for a bad symbol or expiry, 404
    /// <c>symbol_not_found</c> when the symbol has neither a chain nor a print today (SPEC §5).
    /// </summary>
    public static async Task<(ChainFlowInput? Input, JsonHttpResult<ApiError>? Error)> ReadAsync(
        string rawSymbol,
        string? rawExpiry,
        IFlowStore store,
        MarketClock clock,
        PricingParameters pricing,
        CancellationToken cancellationToken)
    {
        if (!RequestValues.TrySymbol(rawSymbol, out var symbol, out var error)
            || !RequestValues.TryExpiry(rawExpiry, out var expiry, out error))
        {
            return (null, error);
        }

        var now = clock.Now;
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
