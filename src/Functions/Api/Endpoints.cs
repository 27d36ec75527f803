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

    public static readonly ApiEndpoint FlowAnomaly = Keyed("FlowAnomaly", "v1/strategies/flow-anomaly/{symbol}", Plan.Growth);
    public static readonly ApiEndpoint FlowSummary = Keyed("FlowSummary", "v1/flow/summary/{symbol}", Plan.Growth);
    public static readonly ApiEndpoint CumulativeFlow = Keyed("CumulativeFlow", "v1/flow/options/{symbol}/cumulative", Plan.Alpha);
    public static readonly ApiEndpoint StrikeFlow = Keyed("StrikeFlow", "v1/flow/zero-dte/strike-flow/{symbol}", Plan.Alpha);
    public static readonly ApiEndpoint Leaderboard = Keyed("Leaderboard", "v1/flow/options/leaderboard", Plan.Alpha);

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
