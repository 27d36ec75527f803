using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// The MCP tool that is not an endpoint's query (README "Clients", docs/api.md "MCP server"): the key's plan and
/// quota, any plan, not counted. The endpoints' tools are made from their declarations (<see cref="EndpointMcpTool"/>).
/// </summary>
[McpServerToolType]
public sealed class FlowTools(IHttpContextAccessor http, ToolAnswers answers)
{
    [McpServerTool(Name = "account", Title = "The API key's plan and remaining quota", ReadOnly = true, OpenWorld = false)]
    [Description("""
        Use to learn which tools this key may call and how many requests it has left. Any plan; not counted. Returns plan
        (free, basic, growth, alpha: growth opens flow_anomaly and flow_summary, alpha everything), daily_limit,
        used_today, remaining (null when unlimited), resets_at, per_minute_limit and used_this_minute.
        """)]
    public Task<CallToolResult> AccountAsync(CancellationToken cancellationToken = default) =>
        answers.AccountAsync(http, cancellationToken);
}
