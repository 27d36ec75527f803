using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Storage;

namespace FlowFunctions.Functions.Api;

/// <summary>Reads what the chain-level endpoints (flow summary, flow anomaly) compute from: today's chain, flow and spot.</summary>
public static class ChainFlowQuery
{
    /// <summary>Null when the symbol has neither a chain nor a print today (SPEC §5: 404 <c>symbol_not_found</c>).</summary>
    public static async Task<ChainFlowInput?> ReadAsync(
        string symbol,
        DateOnly? expiry,
        IFlowStore store,
        MarketClock clock,
        PricingParameters pricing,
        CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var today = NewYorkTime.TradingDate(now);
        var chain = await store.ReadChainAsync(symbol, today, cancellationToken);
        var flows = await store.ReadContractsAsync(symbol, today, cancellationToken);
        if (chain is null && flows.Count == 0)
        {
            return null;
        }

        var spot = await store.ReadSpotAsync(symbol, cancellationToken);
        var (price, at) = spot is { } s ? (s.Price, s.Timestamp)
            : chain is not null ? (chain.Spot, chain.SpotTimestamp)
            : (double.NaN, DateTimeOffset.MinValue);
        return new ChainFlowInput(symbol, now, today, price, at, chain, flows, expiry, pricing);
    }
}
