using System.Net;
using System.Text.Json;
using FlowFunctions.Functions.Api;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace FlowFunctions.Functions.Tests.Mcp;

/// <summary>The app on a socket with the hand tapes, for the MCP client.</summary>
public sealed class McpApp : IngestedSocketApp
{
    /// <summary>The SDK's own client over streamable HTTP, with the key in the header as an agent would send it.</summary>
    public Task<McpClient> ConnectAsync(string key) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(Address, "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["X-Api-Key"] = key },
    }));
}

/// <summary>
/// The MCP server at /mcp (docs/api.md "MCP server") through the SDK's client over HTTP: one described tool per
/// endpoint, each answering its endpoint's JSON, the same keys, plans and quotas, and the API's errors as tool errors.
/// </summary>
public sealed class McpServerTests(McpApp app) : IClassFixture<McpApp>
{
    /// <summary>Each tool's endpoint as declared (Api/Endpoints.cs).</summary>
    private static readonly Dictionary<string, ApiEndpoint> Tools = Endpoints.All.Where(e => e.Tool is not null).ToDictionary(e => e.Tool!.Name);

    private static readonly Dictionary<string, string> RestPaths = new()
    {
        ["flow_anomaly"] = Endpoints.FlowAnomaly.Url("SPY"),
        ["flow_summary"] = Endpoints.FlowSummary.Url("SPY"),
        ["cumulative_flow"] = Endpoints.CumulativeFlow.Url("SPY", "minutes=390"),
        ["zero_dte_strike_flow"] = Endpoints.StrikeFlow.Url("SPY", "minutes=390"),
        ["flow_leaderboard"] = Endpoints.Leaderboard.Url(query: "n=5&windowMinutes=390"),
    };

    [Fact]
    public void StatelessTheSdksIdleSessionSweeperIsNotRunning()
    {
        var hosted = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<Microsoft.Extensions.Hosting.IHostedService>(app.Factory.Services).Select(h => h.GetType().Name).ToList();
        Assert.Contains("StreamHub", hosted); // the app's own are there
        Assert.DoesNotContain("IdleTrackingBackgroundService", hosted);
    }

    [Fact]
    public async Task ItListsOneDescribedToolPerEndpoint()
    {
        await using var client = await app.ConnectAsync(Keys.Free);
        var tools = await client.ListToolsAsync();
        Assert.Equal(Tools.Keys.Append("account").Order(), tools.Select(t => t.Name).Order());
        Assert.Equal(Tools.Keys.Order(), RestPaths.Keys.Order());
        foreach (var tool in tools.Where(t => t.Name != "account"))
        {
            var plan = Tools[tool.Name].Plan.Name();
            Assert.Contains(char.ToUpperInvariant(plan[0]) + plan[1..] + " plan", tool.Description, StringComparison.Ordinal);
            Assert.StartsWith("Use when", tool.Description, StringComparison.Ordinal);
            var schema = tool.JsonSchema;
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToArray() : [];
            Assert.Equal(Tools[tool.Name].Parameters.Where(p => p.Required).Select(p => p.Name), required);
            Assert.All(schema.GetProperty("properties").EnumerateObject(), p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString()), $"{tool.Name}.{p.Name}"));
        }
    }

    [Fact]
    public async Task EachToolAnswersItsEndpointsJson()
    {
        await using var client = await app.ConnectAsync(Keys.Alpha);
        using var rest = app.Factory.ClientWithKey(Keys.Alpha);
        var arguments = new Dictionary<string, Dictionary<string, object?>>
        {
            ["flow_anomaly"] = new() { ["symbol"] = "spy" },
            ["flow_summary"] = new() { ["symbol"] = "SPY" },
            ["cumulative_flow"] = new() { ["symbol"] = "SPY", ["minutes"] = 390 },
            ["zero_dte_strike_flow"] = new() { ["symbol"] = "SPY", ["minutes"] = 390 },
            ["flow_leaderboard"] = new() { ["n"] = 5, ["windowMinutes"] = 390 },
        };
        foreach (var (tool, path) in RestPaths)
        {
            var result = await client.CallToolAsync(tool, arguments[tool]);
            Assert.True(result.IsError is not true, $"{tool}: {Text(result)}");
            var expected = await rest.GetStringAsync(path);
            Assert.Equal(expected, Text(result));
            Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement), JsonSerializer.Serialize(result.StructuredContent));
        }

        var account = await client.CallToolAsync("account", new Dictionary<string, object?>());
        using var body = JsonDocument.Parse(Text(account));
        Assert.Equal(("alpha", 1_200), (body.RootElement.GetProperty("plan").GetString(), body.RootElement.GetProperty("per_minute_limit").GetInt32()));
    }

    [Fact]
    public async Task AToolCallCountsAsOneRequestAndTheAccountAndListingDoNot()
    {
        await using var client = await app.ConnectAsync(Keys.Growth);
        var before = await UsedTodayAsync(client);
        await client.ListToolsAsync();
        Assert.Equal(before, await UsedTodayAsync(client));
        await client.CallToolAsync("flow_summary", new Dictionary<string, object?> { ["symbol"] = "SPY" });
        await client.CallToolAsync("flow_anomaly", new Dictionary<string, object?> { ["symbol"] = "SPY" });
        Assert.Equal(before + 2, await UsedTodayAsync(client));
    }

    [Fact]
    public async Task AKeyBelowTheToolsPlanGetsA403ToolErrorWithBothPlans()
    {
        await using var growth = await app.ConnectAsync(Keys.Growth);
        var before = await UsedTodayAsync(growth);
        var tier = Error(await growth.CallToolAsync("cumulative_flow", new Dictionary<string, object?> { ["symbol"] = "SPY" }));
        Assert.Equal((403, "tier_restricted", "growth", "alpha"), (tier.GetProperty("http_status").GetInt32(), tier.GetProperty("error").GetString(), tier.GetProperty("current_plan").GetString(), tier.GetProperty("required_plan").GetString()));
        Assert.Equal(before, await UsedTodayAsync(growth));

        await using var free = await app.ConnectAsync(Keys.Free);
        var summary = Error(await free.CallToolAsync("flow_summary", new Dictionary<string, object?> { ["symbol"] = "SPY" }));
        Assert.Equal(("free", "growth"), (summary.GetProperty("current_plan").GetString(), summary.GetProperty("required_plan").GetString()));
    }

    [Fact]
    public async Task TheEndpointsErrorsAreToolErrorsWithTheApisCodes()
    {
        await using var client = await app.ConnectAsync(Keys.Alpha);
        var symbol = Error(await client.CallToolAsync("flow_summary", new Dictionary<string, object?> { ["symbol"] = "NOT A SYMBOL!" }));
        Assert.Equal((400, "invalid_symbol"), (symbol.GetProperty("http_status").GetInt32(), symbol.GetProperty("error").GetString()));
        var missing = Error(await client.CallToolAsync("flow_anomaly", new Dictionary<string, object?> { ["symbol"] = "ZZZZ" }));
        Assert.Equal((404, "symbol_not_found"), (missing.GetProperty("http_status").GetInt32(), missing.GetProperty("error").GetString()));
        var expiry = Error(await client.CallToolAsync("flow_summary", new Dictionary<string, object?> { ["symbol"] = "SPY", ["expiry"] = "June 5" }));
        Assert.Equal("invalid_expiry", expiry.GetProperty("error").GetString());

        // An argument is read by its parameter's rule (docs/api.md "MCP server"): the endpoint's own 400, as over HTTP.
        var wrongType = Error(await client.CallToolAsync("cumulative_flow", new Dictionary<string, object?> { ["symbol"] = "SPY", ["minutes"] = "abc" }));
        Assert.Equal((400, "invalid_parameter"), (wrongType.GetProperty("http_status").GetInt32(), wrongType.GetProperty("error").GetString()));
        var asText = await client.CallToolAsync("cumulative_flow", new Dictionary<string, object?> { ["symbol"] = "SPY", ["minutes"] = "390" });
        var asNumber = await client.CallToolAsync("cumulative_flow", new Dictionary<string, object?> { ["symbol"] = "SPY", ["minutes"] = 390 });
        Assert.Equal(Text(asNumber), Text(asText));
    }

    [Fact]
    public async Task WithoutAValidKeyTheServerAnswers401BeforeAnyMcp()
    {
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => app.ConnectAsync("no-such-key"));
        using var http = new HttpClient { BaseAddress = app.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await ErrorAssert.IsAsync(response, 401, "unauthorized");

        // Stateless: no session stream to GET, no session to DELETE.
        using var keyed = app.Factory.ClientWithKey(Keys.Alpha);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var other = await keyed.SendAsync(new HttpRequestMessage(method, "/mcp"));
            await ErrorAssert.IsAsync(other, 405, "method_not_allowed");
        }
    }

    private static async Task<long> UsedTodayAsync(McpClient client)
    {
        using var account = JsonDocument.Parse(Text(await client.CallToolAsync("account", new Dictionary<string, object?>())));
        return account.RootElement.GetProperty("used_today").GetInt64();
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static JsonElement Error(CallToolResult result)
    {
        Assert.True(result.IsError, Text(result));
        using var body = JsonDocument.Parse(Text(result));
        Assert.Equal("ERROR", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonSerializer.Serialize(body.RootElement), JsonSerializer.Serialize(result.StructuredContent));
        return body.RootElement.Clone();
    }
}
