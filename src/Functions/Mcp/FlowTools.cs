using System.ComponentModel;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// The MCP server's tools (README "Clients", docs/api.md "MCP server"): one per endpoint, answered by the endpoint's own
/// handler, so a tool's JSON is the endpoint's byte for byte. Each call is admitted by <see cref="ApiKeyGate"/> with the
/// key the MCP request carries and the endpoint's plan, and counts one request as the endpoint does (the account does
/// not count). Refusals and the endpoints' errors are tool errors carrying the API's error body.
/// </summary>
[McpServerToolType]
public sealed class FlowTools(
    IHttpContextAccessor http,
    ToolAnswers answers,
    IFlowStore store,
    MarketClock clock,
    PricingParameters pricing,
    ResponseCache cache,
    LeaderboardSnapshots snapshots)
{
    private const string Symbol = "The underlying's ticker, e.g. SPY, QQQ, AAPL (1 to 12 of A-Z, 0-9, '.', '_', '-'; case does not matter).";
    private const string Expiry = "Optional: only contracts of this expiry, as yyyy-MM-dd. Leave out for all expiries.";

    [McpServerTool(Name = "flow_anomaly", Title = "Flow anomaly: is one-sided option flow a trade?", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use when asked whether today's option flow in a name is lopsided enough to trade, or for a spread idea. Growth plan.
        Returns decision (candidate when score >= 70 and data quality >= 70 with a bias and a spread; no_setup; insufficient_data),
        score 0-100 (how one-sided and how large the directional premium is), confidence 0-1, regime
        (bullish_flow_imbalance, bearish_flow_imbalance, neutral_flow), best_structures (a short put spread for bullish flow,
        a short call spread for bearish: legs, credit, max_profit, max_loss, breakevens; prices per share), metrics
        (bias, call/put ratios, dominant_premium_usd and its share), risk_flags, why (plain-language reasons), avoid_if and
        data_quality. Money in USD, ratios as decimals, timestamps UTC.
        """)]
    public Task<CallToolResult> FlowAnomalyAsync([Description(Symbol)] string symbol, [Description(Expiry)] string? expiry = null, CancellationToken cancellationToken = default) =>
        answers.AnswerAsync(http, Plan.Growth, ct => FlowAnomalyApi.GetAsync(symbol, expiry, store, clock, pricing, cache, ct), cancellationToken);

    [McpServerTool(Name = "flow_summary", Title = "Flow summary: is flow reshaping dealer gamma?", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use when asked how today's option flow changes dealer positioning or gamma exposure (GEX) in a name. Growth plan.
        Returns flow_direction (amplifying: flow adds to dealers' gamma; dampening; neutral within 5%; regime_flip;
        no_flow), live_gex (USD per 1% move on the open interest today's flow implies), flow_gex_pct_shift (live vs the
        open), intraday_oi_delta, contracts_with_flow, dealer_gex (settled, p10, p50, p90 and regime long_gamma,
        short_gamma or uncertain: positive means dealers long gamma, which damps moves) and signed_flow (net contracts by
        the aggressor rule and expected under calibrated buy probabilities, with a standard deviation).
        """)]
    public Task<CallToolResult> FlowSummaryAsync([Description(Symbol)] string symbol, [Description(Expiry)] string? expiry = null, CancellationToken cancellationToken = default) =>
        answers.AnswerAsync(http, Plan.Growth, ct => FlowSummaryApi.GetAsync(symbol, expiry, store, clock, pricing, cache, ct), cancellationToken);

    [McpServerTool(Name = "cumulative_flow", Title = "Cumulative net option flow by minute", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use when asked whether options in a name are being bought or sold over time, or for the flow's trend. Alpha plan.
        Returns points, one per minute with prints, oldest first: ts (minute start, UTC), netVolume (contracts bought minus
        sold by the aggressor rule), cumulative (running sum from the window's first point), vwap and tradeCount.
        """)]
    public Task<CallToolResult> CumulativeFlowAsync(
        [Description(Symbol)] string symbol,
        [Description("Optional: the window in minutes, 1 to 10080 (a week); default 240. Larger values are clamped.")] int? minutes = null,
        CancellationToken cancellationToken = default) =>
        answers.AnswerAsync(http, Plan.Alpha, ct => CumulativeFlowApi.GetAsync(symbol, Text(minutes), store, clock, cache, ct), cancellationToken);

    [McpServerTool(Name = "zero_dte_strike_flow", Title = "0DTE option flow by strike and minute", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use when asked where same-day-expiry (0DTE) flow is concentrating, by strike, or which strikes are magnets. Alpha plan.
        Returns strikes_grid (strikes with flow, ascending) and bars, one per minute: spot, and per strike of the grid
        signed_delta_dollars (positive is bullish), signed_gamma_dollars and contracts. underlying_price is the last spot.
        """)]
    public Task<CallToolResult> StrikeFlowAsync(
        [Description(Symbol)] string symbol,
        [Description("Optional: the window in minutes, 1 to 390 (a session); default 60.")] int? minutes = null,
        CancellationToken cancellationToken = default) =>
        answers.AnswerAsync(http, Plan.Alpha, ct => StrikeFlowApi.GetAsync(symbol, null, Text(minutes), store, clock, cache, ct), cancellationToken);

    [McpServerTool(Name = "flow_leaderboard", Title = "Top option buyers and sellers by net premium", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use when asked which names options money is flowing into or out of, across the market. Alpha plan. Returns buyers
        (net premium bought, largest first) and sellers (most sold first), each row with symbol, netNotional (USD),
        netVolume, buyVolume, sellVolume, avgPremium, tradeCount and lastTradeUtc; generatedUtc is the 30-second snapshot's time.
        """)]
    public Task<CallToolResult> LeaderboardAsync(
        [Description("Optional: rows per side, 1 to 50; default 10.")] int? n = null,
        [Description("Optional: the window in minutes, 1 to 10080; default 240.")] int? windowMinutes = null,
        CancellationToken cancellationToken = default) =>
        answers.AnswerAsync(http, Plan.Alpha, ct => LeaderboardApi.GetAsync(Text(n), Text(windowMinutes), snapshots, clock, cache, new DefaultHttpContext().Response, ct), cancellationToken);

    [McpServerTool(Name = "account", Title = "The API key's plan and remaining quota", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use to learn which tools this key may call and how many requests it has left. Any plan; not counted. Returns plan
        (free, basic, growth, alpha: growth opens flow_anomaly and flow_summary, alpha everything), daily_limit,
        used_today, remaining (null when unlimited), resets_at, per_minute_limit and used_this_minute.
        """)]
    public Task<CallToolResult> AccountAsync(CancellationToken cancellationToken = default) =>
        answers.AccountAsync(http, cancellationToken);

    private static string? Text(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
