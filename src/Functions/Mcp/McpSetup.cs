using System.Threading.RateLimiting;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// The MCP server at <c>/mcp</c> (docs/api.md "MCP server"): streamable HTTP, stateless (no session to pin an agent to
/// one instance, as the function app scales out), with a tool per query endpoint (<see cref="EndpointMcpTool"/>) and
/// <see cref="FlowTools"/>'s account. Every request to it needs a valid key
/// in <c>X-Api-Key</c> (401 otherwise, not counted); each tool call then checks its own plan and counts. A message is
/// at most <see cref="McpOptions.MaxBodyBytes"/> (413 before more is read), and a key sends at most
/// <see cref="McpOptions.MessagesPerMinute"/> messages a minute to an instance (429 with <c>Retry-After</c>).
/// </summary>
public static class McpSetup
{
    public static IServiceCollection AddFlowMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddOptions<McpOptions>().BindConfiguration(McpOptions.Section);
        services.AddSingleton<ToolAnswers>();
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new() { Name = "flowfunctions", Title = "FlowFunctions options-flow analytics", Version = "1.0.0" };
                o.ServerInstructions = "Options-flow analytics for US equities and ETFs: which names options money is buying and selling "
                    + "(flow_leaderboard), a name's net flow over time (cumulative_flow), same-day-expiry flow by strike (zero_dte_strike_flow), "
                    + "whether flow is reshaping dealer gamma (flow_summary) and whether one-sided flow is a trade (flow_anomaly). "
                    + "Call account first to see the key's plan: growth opens flow_anomaly and flow_summary, alpha every tool.";
            })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<FlowTools>();

        // The SDK's idle-session sweeper prunes stateful sessions; stateless, there are none, so it would only wake
        // every few seconds on every instance for nothing.
        var sweeper = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "IdleTrackingBackgroundService").ToList();
        foreach (var descriptor in sweeper)
        {
            services.Remove(descriptor);
        }
        foreach (var endpoint in Endpoints.All.Where(e => e.Tool is not null))
        {
            services.AddSingleton<McpServerTool>(sp => new EndpointMcpTool(endpoint, sp));
        }

        return services;
    }

    /// <summary>
    /// Serves one more query endpoint besides <see cref="Endpoints.All"/> (its route, plan and MCP tool come from the
    /// declaration alone); before the app is built.
    /// </summary>
    public static IServiceCollection AddQueryEndpoint(this IServiceCollection services, ApiEndpoint endpoint)
    {
        services.AddSingleton(endpoint);
        if (endpoint.Tool is not null)
        {
            services.AddSingleton<McpServerTool>(sp => new EndpointMcpTool(endpoint, sp));
        }

        return services;
    }

    public static IEndpointRouteBuilder MapFlowMcp(this IEndpointRouteBuilder app)
    {
        // Everything behind /mcp (the key gate, the limiter, the SDK's endpoint) is made on the first MCP message, not
        // at start-up: it cost about 70 ms of cold start (docs/benchmarks.md "Cold start") that the host's readiness
        // probe and REST calls never need.
        var front = new Lazy<McpFront>(() => new McpFront(app), LazyThreadSafetyMode.ExecutionAndPublication);
        app.MapMethods(Endpoints.Mcp.Path, Endpoints.Mcp.Methods, context => front.Value.HandleAsync(context))
            .WithName(Endpoints.Mcp.Name)
            .WithMetadata(new QuotaExempt());
        return app;
    }
}

/// <summary>What answers <c>/mcp</c>, made on its first message (<see cref="McpSetup.MapFlowMcp"/>).</summary>
internal sealed class McpFront
{
    private readonly ApiKeyGate _gate;
    private readonly McpOptions _options;
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly RequestDelegate _sdk;
    private readonly Endpoint _sdkEndpoint;

    public McpFront(IEndpointRouteBuilder app)
    {
        _gate = app.ServiceProvider.GetRequiredService<ApiKeyGate>();
        var options = _options = app.ServiceProvider.GetRequiredService<IOptions<McpOptions>>().Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(keyId => RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.MessagesPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

        // The SDK's own POST endpoint (stateless streamable HTTP maps only that one), made on a route builder of its own
        // so that it never enters the app's route table.
        var routes = new DetachedRoutes(app);
        routes.MapMcp(Endpoints.Mcp.Path);
        _sdkEndpoint = routes.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Single(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Post) == true);
        _sdk = _sdkEndpoint.RequestDelegate!;
    }

    public async Task HandleAsync(HttpContext context)
    {
        // The key only: no usage read here (each tool call reads and counts its own), so an MCP message costs one
        // storage read fewer than an uncounted endpoint's, and carries no X-RateLimit-* headers.
        context.Response.Headers.CacheControl = "private";
        var (key, unauthorized) = await _gate.IdentifyAsync(ApiKeyGate.Presented(context.Request), context.RequestAborted);
        if (unauthorized is not null)
        {
            await unauthorized.ExecuteAsync(context);
            return;
        }

        using var lease = _limiter.AttemptAcquire(key!.Id);
        if (!lease.IsAcquired)
        {
            context.Response.Headers.RetryAfter = "60";
            await ApiErrors.WriteAsync(context, 429, ApiErrors.RateLimited, $"At most {_options.MessagesPerMinute} MCP messages a minute per key; retry in 60 s.");
            return;
        }

        // A JSON-RPC message is small: the body is read here up to the bound, and the MCP layer reads it from memory.
        var body = await RequestBody.ReadAsync(context, _options.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await ApiErrors.WriteAsync(context, 413, ApiErrors.PayloadTooLarge, $"An MCP message is at most {_options.MaxBodyBytes:N0} bytes.");
            return;
        }

        body.Position = 0;
        context.Response.RegisterForDispose(body);
        context.Request.Body = body;
        context.SetEndpoint(_sdkEndpoint);
        await _sdk(context);
    }
}

/// <summary>A route builder whose endpoints are not served by routing: the app's services, data sources of its own.</summary>
internal sealed class DetachedRoutes(IEndpointRouteBuilder app) : IEndpointRouteBuilder
{
    public IServiceProvider ServiceProvider => app.ServiceProvider;

    public ICollection<EndpointDataSource> DataSources { get; } = [];

    public IApplicationBuilder CreateApplicationBuilder() => app.CreateApplicationBuilder();
}
