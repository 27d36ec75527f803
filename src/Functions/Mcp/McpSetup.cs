using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// The MCP server at <c>/mcp</c> (docs/api.md "MCP server"): streamable HTTP, stateless (no session to pin an agent to
/// one instance, as the function app scales out), with <see cref="FlowTools"/>. Every request to it needs a valid key
/// in <c>X-Api-Key</c> (401 otherwise, not counted); each tool call then checks its own plan and counts.
/// </summary>
public static class McpSetup
{
    public static IServiceCollection AddFlowMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
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
        return services;
    }

    public static IEndpointRouteBuilder MapFlowMcp(this IEndpointRouteBuilder app)
    {
        var gate = app.ServiceProvider.GetRequiredService<ApiKeyGate>();
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
                    var (_, unauthorized) = await gate.IdentifyAsync(ApiKeyGate.Presented(context.Request), context.RequestAborted);
                    if (unauthorized is not null)
                    {
                        await unauthorized.ExecuteAsync(context);
                        return;
                    }

                    await inner(context);
                };
            });
        return app;
    }
}
