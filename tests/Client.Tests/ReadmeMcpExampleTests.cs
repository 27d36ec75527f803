using System.Text.Json;
using ModelContextProtocol.Client;

namespace FlowFunctions.Client.Tests;

/// <summary>The README's agent configuration, used as an agent would use it: its URL and headers, with the SDK's MCP client.</summary>
public sealed class ReadmeMcpExampleTests(SocketApp app) : IClassFixture<SocketApp>
{
    [Fact]
    public async Task TheReadmesAgentConfigurationReachesTheTools()
    {
        using var config = JsonDocument.Parse(Readme.Block("json"));
        var server = config.RootElement.GetProperty("mcpServers").GetProperty("flowfunctions");
        Assert.Equal("http", server.GetProperty("type").GetString());
        var url = server.GetProperty("url").GetString()!.Replace(Readme.Address, app.Address.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);
        var headers = server.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!);

        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(url),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        }));
        Assert.Contains("flow_leaderboard", (await client.ListToolsAsync()).Select(t => t.Name));
        var board = await client.CallToolAsync("flow_leaderboard", new Dictionary<string, object?> { ["n"] = 3 });
        Assert.True(board.IsError is not true);
        Assert.Equal(3, board.StructuredContent!.Value.GetProperty("n").GetInt32());
    }
}
