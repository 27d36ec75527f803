using System.Net;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Mcp;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Client;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// A new endpoint is one declaration (README "Layout"): a throwaway query endpoint, added to the app as a service and
/// nowhere else, is routed with its plan and its parameters' rules, counted against the quota, documented in the
/// OpenAPI document, and listed and answered as an MCP tool with a schema made from its parameters.
/// </summary>
public sealed class ThrowawayEndpointTests
{
    private static readonly ApiEndpoint Echo = new("EchoWindow", "v1/test/echo/{symbol}", [HttpMethods.Get, HttpMethods.Head], EndpointAccess.Plan, Plan.Growth, Function: "v1/test/echo/{symbol}")
    {
        Parameters =
        [
            new("symbol", ParameterSource.Path, ParameterKind.Symbol, "A ticker."),
            new("minutes", ParameterSource.Query, ParameterKind.WholeNumber, "A window, 1 to 30; default 7.", Default: 7, Maximum: 30),
        ],
        Tool = new("echo_window", "Echo", "Use when testing: says the symbol and window it read."),
        Doc = new("Echoes its arguments", "Says the symbol and window it read.", "HealthResponse"),
        Query = (args, _, _) => Task.FromResult<QueryAnswer>(CachedJson.Of(new Dictionary<string, string> { ["symbol"] = args.Symbol(), ["minutes"] = args.Number("minutes").ToString(System.Globalization.CultureInfo.InvariantCulture) }, TestJson.Default.DictionaryStringString, DateTimeOffset.UnixEpoch)),
    };

    [Fact]
    public async Task OneDeclarationIsRoutedPlannedCountedAndAnMcpTool()
    {
        await using var app = new FlowApiFactory { ExtraServices = s => s.AddQueryEndpoint(Echo) };
        app.StartOnLoopback();

        using var growth = app.ClientWithKey(Keys.Growth);
        using var answer = await growth.GetAsync("/v1/test/echo/spy?minutes=99");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"symbol":"SPY","minutes":"30"}""", await answer.Content.ReadAsStringAsync());
        Assert.Equal(int.Parse(answer.Headers.GetValues("X-RateLimit-Limit").Single(), System.Globalization.CultureInfo.InvariantCulture) - 1, int.Parse(answer.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));

        // The plan and the parameter rules come from the declaration.
        using var basic = app.ClientWithKey(Keys.Basic);
        await ErrorAssert.IsAsync(await basic.GetAsync("/v1/test/echo/SPY"), 403, "tier_restricted");
        await ErrorAssert.IsAsync(await growth.GetAsync("/v1/test/echo/SPY?minutes=ten"), 400, "invalid_parameter");
        await ErrorAssert.IsAsync(await growth.GetAsync("/v1/test/echo/NOT%20A%20SYMBOL"), 400, "invalid_symbol");

        // Documented in /v1/openapi.json with its plan and its parameter's default and clamp.
        using var document = System.Text.Json.JsonDocument.Parse(await growth.GetStringAsync("/v1/openapi.json"));
        var operation = document.RootElement.GetProperty("paths").GetProperty("/v1/test/echo/{symbol}").GetProperty("get");
        Assert.Equal("growth", operation.GetProperty("x-required-plan").GetString());
        var minutes = operation.GetProperty("parameters")[1].GetProperty("schema");
        Assert.Equal((7, 30), (minutes.GetProperty("default").GetInt32(), minutes.GetProperty("maximum").GetInt32()));

        await using var mcp = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(growth.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["X-Api-Key"] = Keys.Growth },
        }));
        var tool = Assert.Single(await mcp.ListToolsAsync(), t => t.Name == "echo_window");
        Assert.Equal(["symbol"], tool.JsonSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("integer", tool.JsonSchema.GetProperty("properties").GetProperty("minutes").GetProperty("type").GetString());
        var result = await mcp.CallToolAsync("echo_window", new Dictionary<string, object?> { ["symbol"] = "qqq" });
        Assert.Equal("""{"symbol":"QQQ","minutes":"7"}""", Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content)).Text);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
