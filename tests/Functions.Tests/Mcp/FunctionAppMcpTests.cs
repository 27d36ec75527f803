using System.Text.Json;
using FlowFunctions.Functions.Tests.FunctionApp;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace FlowFunctions.Functions.Tests.Mcp;

/// <summary>
/// The MCP server in function-app mode, reached as the Functions host reaches it: through its own function's route,
/// proxied (<c>enableProxyingHttpRequest</c>, played by YARP as <see cref="HostProxy"/> does), with events that came
/// through the Event Hubs trigger.
/// </summary>
public sealed class FunctionAppMcpTests
{
    [Fact]
    public async Task AnAgentReachesTheToolsThroughTheHostsProxy()
    {
        await using var app = HostProtocolTests.FunctionApp();
        app.StartOnLoopback();
        using var direct = app.CreateClient();
        using (var invocation = await direct.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 30, app.Clock.Now), 100))))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, invocation.StatusCode);
        }

        await using var proxy = await HostProxy.StartAsync(direct.BaseAddress!);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(proxy.Http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["X-Api-Key"] = Keys.Alpha },
        }));
        Assert.Equal(6, (await client.ListToolsAsync()).Count);
        var result = await client.CallToolAsync("cumulative_flow", new Dictionary<string, object?> { ["symbol"] = "SPY", ["minutes"] = 60 });
        Assert.True(result.IsError is not true);
        using var body = JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(30, body.RootElement.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()));
    }
}
