using System.Text.Json.Serialization.Metadata;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// The shared body of the chain-level endpoints (flow summary, flow anomaly): validates the symbol and expiry, then,
/// through the <see cref="ResponseCache"/>, reads today's chain, flow and spot and computes the endpoint's answer.
/// </summary>
public static class ChainFlowQuery
{
    /// <summary>
    /// The answer of <paramref name="endpoint"/>: 400 for a bad symbol or expiry; else, shared per (endpoint, symbol,
    /// expiry), <paramref name="compute"/> over today's data, or 404 <c>symbol_not_found</c>.
    /// </summary>
    public static async Task<Results<CachedJson, JsonHttpResult<ApiError>>> AnswerAsync<T>(
        string endpoint,
        string rawSymbol,
        string? rawExpiry,
        Func<ChainFlowInput, T> compute,
        JsonTypeInfo<T> type,
        IFlowStore store,
        MarketClock clock,
        PricingParameters pricing,
        ResponseCache cache,
        CancellationToken cancellationToken)
    {
        if (!TryParse(rawSymbol, rawExpiry, out var query, out var error))
        {
            return error!;
        }

        return await cache.GetAsync($"{endpoint}|{query.Symbol}|{query.Expiry:yyyy-MM-dd}", async () =>
        {
            var (input, notFound) = await ReadAsync(query, store, clock.Now, pricing, CancellationToken.None);
            return input is null ? ApiErrors.Cached(notFound!, clock.Now) : CachedJson.Of(compute(input), type, input.Now);
        }, cancellationToken);
    }

    /// <summary>The symbol and expiry filter, or the 400 to answer for a bad one.</summary>
    private static bool TryParse(string rawSymbol, string? rawExpiry, out ChainFlowRequest query, out JsonHttpResult<ApiError>? error)
    {
        query = default;
        if (!RequestValues.TrySymbol(rawSymbol, out var symbol, out error)
            || !RequestValues.TryExpiry(rawExpiry, out var expiry, out error))
        {
            return false;
        }

        query = new ChainFlowRequest(symbol, expiry);
        return true;
    }

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
