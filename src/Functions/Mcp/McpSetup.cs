using System.Threading.RateLimiting;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
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
        var gate = app.ServiceProvider.GetRequiredService<ApiKeyGate>();
        var options = app.ServiceProvider.GetRequiredService<IOptions<McpOptions>>().Value;
        var limiter = PartitionedRateLimiter.Create<string, string>(keyId => RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.MessagesPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
        app.MapMcp(Endpoints.Mcp.Path)
            .WithName(Endpoints.Mcp.Name)
            .WithMetadata(new QuotaExempt())
            .Add(endpoint =>
            {
                var inner = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = async context =>
                {
                    // The key only: no usage read here (each tool call reads and counts its own), so an MCP message
                    // costs one storage read fewer than an uncounted endpoint's, and carries no X-RateLimit-* headers.
                    context.Response.Headers.CacheControl = "private";
                    var (key, unauthorized) = await gate.IdentifyAsync(ApiKeyGate.Presented(context.Request), context.RequestAborted);
                    if (unauthorized is not null)
                    {
                        await unauthorized.ExecuteAsync(context);
                        return;
                    }

                    using var lease = limiter.AttemptAcquire(key!.Id);
                    if (!lease.IsAcquired)
                    {
                        context.Response.Headers.RetryAfter = "60";
                        await ApiErrors.WriteAsync(context, 429, ApiErrors.RateLimited, $"At most {options.MessagesPerMinute} MCP messages a minute per key; retry in 60 s.");
                        return;
                    }

                    // A JSON-RPC message is small: the body is read here up to the bound, and the MCP layer reads it from memory.
                    if (HttpMethods.IsPost(context.Request.Method))
                    {
                        var body = await RequestBody.ReadAsync(context, options.MaxBodyBytes, context.RequestAborted);
                        if (body is null)
                        {
                            await ApiErrors.WriteAsync(context, 413, ApiErrors.PayloadTooLarge, $"An MCP message is at most {options.MaxBodyBytes:N0} bytes.");
                            return;
                        }

                        body.Position = 0;
                        context.Response.RegisterForDispose(body);
                        context.Request.Body = body;
                    }

                    await inner(context);
                };
            });
        return app;
    }
}
