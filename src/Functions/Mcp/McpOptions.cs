namespace FlowFunctions.Functions.Mcp;

/// <summary>Limits of the MCP server at <c>/mcp</c> (docs/api.md "MCP server"), section <c>Mcp</c>.</summary>
public sealed class McpOptions
{
    public const string Section = "Mcp";

    /// <summary>Largest JSON-RPC message body accepted (64 KiB; a tool call's arguments are a few hundred bytes); larger is 413 before more is read.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>MCP messages a key may send per minute on one instance, tool calls and the rest alike; more is 429.</summary>
    public int MessagesPerMinute { get; set; } = 120;
}
