using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Api;

/// <summary>Who may call an endpoint (docs/api.md "Keys, plans and quotas").</summary>
public enum EndpointAccess
{
    /// <summary>Anyone: no key read, nothing counted.</summary>
    Public,

    /// <summary>Any valid key, at least the endpoint's plan; one request counted.</summary>
    Plan,

    /// <summary>Any valid key; not counted against the quota (the account).</summary>
    AnyKeyUncounted,

    /// <summary>Admin keys only; not counted (ingest).</summary>
    Admin,
}

/// <summary>
/// One HTTP endpoint as the app and the function app both know it. <see cref="Route"/> is the app's route without its
/// leading slash; <see cref="Function"/> the route of the function that forwards it under the Functions host (null when
/// no function does: standalone only, or reached through the dashboard's catch-all).
/// </summary>
public sealed record ApiEndpoint(
    string Name,
    string Route,
    IReadOnlyList<string> Methods,
    EndpointAccess Access,
    Plan Plan = Plan.Free,
    string? Function = null,
    bool StandaloneOnly = false)
{
    public string Path => "/" + Route;

    /// <summary>The path with <c>{symbol}</c> filled in and <paramref name="query"/> (without its <c>?</c>) appended when not empty.</summary>
    public string Url(string? symbol = null, string? query = null)
    {
        var path = symbol is null ? Path : Path.Replace("{symbol}", Uri.EscapeDataString(symbol), StringComparison.Ordinal);
        return string.IsNullOrEmpty(query) ? path : $"{path}?{query}";
    }

    /// <summary>A query endpoint's parameters, in the order they are read and refused.</summary>
    public IReadOnlyList<EndpointParameter> Parameters { get; init; } = [];

    /// <summary>What answers a query endpoint (<see cref="QueryRoutes"/> over HTTP, the MCP tool); null for the others.</summary>
    public EndpointQuery? Query { get; init; }

    /// <summary>The MCP tool that answers it, when there is one.</summary>
    public EndpointTool? Tool { get; init; }

    /// <summary>Its OpenAPI operation's prose and body schema, for a query endpoint (the rest of the operation is made from the declaration).</summary>
    public EndpointDoc? Doc { get; init; }
}

/// <summary>
/// Every HTTP endpoint, once: route, methods, who may call it and its function. The route map
/// (<see cref="EndpointRouteBuilderExtensions.As"/>), the function folders (<see cref="Triggers.FunctionFolders"/>,
/// written at publish) and the OpenAPI document's paths and plans (checked by tests) follow this list. A new endpoint is
/// one entry here and its handler mapped with <c>.As(entry)</c> (plus its response record in a JSON context).
/// </summary>
public static class Endpoints
{
    // A read answers GET and HEAD (the same status and headers, no body: Kestrel drops the body of a HEAD answer).
    private static readonly string[] Read = [HttpMethods.Get, HttpMethods.Head];
    private static readonly string[] Post = [HttpMethods.Post];

    // The symbol and the expiry are described once in the OpenAPI document's components (#/components/parameters).
    private static readonly EndpointParameter Symbol = new("symbol", ParameterSource.Path, ParameterKind.Symbol,
        "The underlying's ticker, e.g. SPY, QQQ, AAPL (1 to 12 of A-Z, 0-9, '.', '_', '-'; case does not matter).");

    private static readonly EndpointParameter Expiry = new("expiry", ParameterSource.Query, ParameterKind.Date,
        "Optional: only contracts of this expiry, as yyyy-MM-dd. Leave out for all expiries.");

    // Every read takes it, last, so it is read and refused after the endpoint's own parameters.
    private static readonly EndpointParameter At = new(AsOf.Parameter, ParameterSource.Query, ParameterKind.Instant,
        "Optional: answer as of this past instant, ISO 8601 with an offset (e.g. 2026-06-05T14:31:00-04:00), from every event stamped at or before it, within the store's retention. Leave out for now.");

    public static readonly ApiEndpoint FlowAnomaly = Keyed("FlowAnomaly", "v1/strategies/flow-anomaly/{symbol}", Plan.Growth) with
    {
        Parameters = [Symbol, Expiry, At],
        Doc = new("Directional flow imbalance score and proposed short vertical", "Scores how one-sided today's call/put flow is and, when decisive, proposes the matching short vertical spread (short leg nearest |Δ| 0.25, long leg nearest |Δ| 0.12).", "FlowAnomalyResponse", MayBeNotFound: true),
        Query = FlowQueries.AnomalyAsync,
        Tool = new("flow_anomaly", "Flow anomaly: is one-sided option flow a trade?", """
            Use when asked whether today's option flow in a name is lopsided enough to trade, or for a spread idea. Growth plan.
            Returns decision (candidate when score >= 70 and data quality >= 70 with a bias and a spread; no_setup; insufficient_data),
            score 0-100 (how one-sided and how large the directional premium is), confidence 0-1, regime
            (bullish_flow_imbalance, bearish_flow_imbalance, neutral_flow), best_structures (a short put spread for bullish flow,
            a short call spread for bearish: legs, credit, max_profit, max_loss, breakevens; prices per share), metrics
            (bias, call/put ratios, dominant_premium_usd and its share), risk_flags, why (plain-language reasons), avoid_if and
            data_quality. Money in USD, ratios as decimals, timestamps UTC.
            """),
    };

    public static readonly ApiEndpoint FlowSummary = Keyed("FlowSummary", "v1/flow/summary/{symbol}", Plan.Growth) with
    {
        Parameters = [Symbol, Expiry, At],
        Doc = new("Intraday flow versus the morning OI baseline", "Settled GEX on baseline OI against live GEX on the OI simulator's effective OI, at the current spot and IV.", "FlowSummaryResponse", MayBeNotFound: true),
        Query = FlowQueries.SummaryAsync,
        Tool = new("flow_summary", "Flow summary: is flow reshaping dealer gamma?", """
            Use when asked how today's option flow changes dealer positioning or gamma exposure (GEX) in a name. Growth plan.
            Returns flow_direction (amplifying: flow adds to dealers' gamma; dampening; neutral within 5%; regime_flip;
            no_flow), live_gex (USD per 1% move on the open interest today's flow implies), flow_gex_pct_shift (live vs the
            open), intraday_oi_delta, contracts_with_flow, dealer_gex (settled, p10, p50, p90 and regime long_gamma,
            short_gamma or uncertain: positive means dealers long gamma, which damps moves) and signed_flow (net contracts by
            the aggressor rule and expected under calibrated buy probabilities, with a standard deviation).
            """),
    };

    public static readonly ApiEndpoint CumulativeFlow = Keyed("CumulativeFlow", "v1/flow/options/{symbol}/cumulative", Plan.Alpha) with
    {
        Parameters = [Symbol, Window("Window in minutes ending now, or at at (up to a week).", Analytics.Flow.CumulativeFlow.DefaultMinutes, Analytics.Flow.CumulativeFlow.MaxMinutes), At],
        Doc = new("Per-minute net option volume with a running cumulative", "One point per minute bucket with prints in (now − minutes, now], ascending. An unknown symbol is 200 with count 0.", "CumulativeFlowResponse"),
        Query = FlowQueries.CumulativeAsync,
        Tool = new("cumulative_flow", "Cumulative net option flow by minute", """
            Use when asked whether options in a name are being bought or sold over time, or for the flow's trend. Alpha plan.
            Returns points, one per minute with prints, oldest first: ts (minute start, UTC), netVolume (contracts bought minus
            sold by the aggressor rule), cumulative (running sum from the window's first point), vwap and tradeCount.
            """),
    };

    public static readonly ApiEndpoint StrikeFlow = Keyed("StrikeFlow", "v1/flow/zero-dte/strike-flow/{symbol}", Plan.Alpha) with
    {
        Parameters =
        [
            Symbol,
            new("bar", ParameterSource.Query, ParameterKind.Bar, "Bar size; only 1m. Anything else is 400 bar_unavailable.", InTool: false),
            Window("Lookback in minutes ending now (or at at), within that instant's New York date.", Analytics.Flow.StrikeFlow.DefaultMinutes, Analytics.Flow.StrikeFlow.MaxMinutes),
            At,
        ],
        Doc = new("Per-strike signed 0DTE flow per 1-minute bar", "For today's 0DTE expiry: per bar and strike, signed delta-dollars, signed gamma-dollars and contracts (per-bar increments). No samples is 200 with empty strikes_grid and bars.", "StrikeFlowResponse"),
        Query = FlowQueries.StrikeFlowAsync,
        Tool = new("zero_dte_strike_flow", "0DTE option flow by strike and minute", """
            Use when asked where same-day-expiry (0DTE) flow is concentrating, by strike, or which strikes are magnets. Alpha plan.
            Returns strikes_grid (strikes with flow, ascending) and bars, one per minute: spot, and per strike of the grid
            signed_delta_dollars (positive is bullish), signed_gamma_dollars and contracts. underlying_price is the last spot.
            """),
    };

    public static readonly ApiEndpoint Leaderboard = Keyed("Leaderboard", "v1/flow/options/leaderboard", Plan.Alpha) with
    {
        Parameters =
        [
            new("n", ParameterSource.Query, ParameterKind.WholeNumber, "Rows per side.", Analytics.Flow.Leaderboard.DefaultN, Analytics.Flow.Leaderboard.MaxN),
            new("windowMinutes", ParameterSource.Query, ParameterKind.WholeNumber, "Lookback window in minutes, ending now or at at.", Analytics.Flow.Leaderboard.DefaultWindowMinutes, Analytics.Flow.Leaderboard.MaxWindowMinutes),
            At,
        ],
        Doc = new("Top option-flow buyers and sellers by net notional", "Answered from snapshots rebuilt every 30 seconds: the same (n, windowMinutes) answers the same snapshot for up to 30 s, never one older than 60 s; Cache-Control max-age says how long the answer stands.", "LeaderboardResponse"),
        Query = FlowQueries.LeaderboardAsync,
        Tool = new("flow_leaderboard", "Top option buyers and sellers by net premium", """
            Use when asked which names options money is flowing into or out of, across the market. Alpha plan. Returns buyers
            (net premium bought, largest first) and sellers (most sold first), each row with symbol, netNotional (USD),
            netVolume, buyVolume, sellVolume, avgPremium, tradeCount and lastTradeUtc; generatedUtc is the 30-second snapshot's time.
            """),
    };

    /// <summary>Server-Sent Events, GET only (a stream has no HEAD form); its function needs the host's proxying mode.</summary>
    public static readonly ApiEndpoint FlowStream = new("FlowStream", "v1/flow/stream", [HttpMethods.Get], EndpointAccess.Plan, Plan.Alpha, Function: "v1/flow/stream");

    /// <summary>
    /// The MCP server (streamable HTTP, stateless: POST only). Any valid key opens it, uncounted; each tool call checks
    /// its endpoint's plan and counts (Mcp/FlowTools.cs).
    /// </summary>
    public static readonly ApiEndpoint Mcp = new("Mcp", "mcp", Post, EndpointAccess.AnyKeyUncounted, Function: "mcp");

    /// <summary>The API reference (Scalar) and its script; under the host the dashboard's catch-all function forwards it.</summary>
    public static readonly ApiEndpoint Docs = new("Docs", "docs", [HttpMethods.Get], EndpointAccess.Public);

    public static readonly ApiEndpoint Account = new("Account", "v1/account", Read, EndpointAccess.AnyKeyUncounted, Function: "v1/account");

    /// <summary>Standalone only: under the Functions host events come through Event Hubs.</summary>
    public static readonly ApiEndpoint IngestEvents = new("IngestEvents", "v1/ingest/events", Post, EndpointAccess.Admin, StandaloneOnly: true);

    public static readonly ApiEndpoint Health = new("Health", "health", Read, EndpointAccess.Public, Function: "health");
    public static readonly ApiEndpoint OpenApi = new("OpenApi", "v1/openapi.json", Read, EndpointAccess.Public, Function: "v1/openapi.json");

    /// <summary>The dashboard's page; its function's catch-all route forwards the page, its files and its config.</summary>
    public static readonly ApiEndpoint Dashboard = new("Dashboard", string.Empty, Read, EndpointAccess.Public, Function: "{*path}");
    public static readonly ApiEndpoint DashboardConfig = new("DashboardConfig", "dashboard/config.json", Read, EndpointAccess.Public);
    public static readonly ApiEndpoint DashboardAsset = new("DashboardAsset", "dashboard/{*file}", Read, EndpointAccess.Public);

    public static IReadOnlyList<ApiEndpoint> All { get; } =
        [FlowAnomaly, FlowSummary, CumulativeFlow, StrikeFlow, Leaderboard, FlowStream, Mcp, Account, IngestEvents, Health, OpenApi, Dashboard, DashboardConfig, DashboardAsset, Docs];

    private static ApiEndpoint Keyed(string name, string route, Plan plan) => new(name, route, Read, EndpointAccess.Plan, plan, Function: route);

    private static EndpointParameter Window(string description, int fallback, int max) =>
        new("minutes", ParameterSource.Query, ParameterKind.WholeNumber, description, fallback, max);
}

/// <summary>Declares a mapped route to be an entry of <see cref="Endpoints"/>: its name, and who may call it.</summary>
public static class EndpointRouteBuilderExtensions
{
    public static RouteHandlerBuilder As(this RouteHandlerBuilder route, ApiEndpoint endpoint)
    {
        route.WithName(endpoint.Name);
        if (endpoint.Access != EndpointAccess.Public)
        {
            route.AddEndpointFilter<ApiKeyFilter>();
        }

        return endpoint.Access switch
        {
            EndpointAccess.Plan => route.RequirePlan(endpoint.Plan),
            EndpointAccess.AnyKeyUncounted => route.ExemptFromQuota(),
            EndpointAccess.Admin => route.RequireAdmin(),
            _ => route,
        };
    }
}
