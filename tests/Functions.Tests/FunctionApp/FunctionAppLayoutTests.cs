using System.Net;
using System.Text.Json;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The function folders and host.json against the app: every function.json is well formed for its trigger, every HTTP
/// function's route is served by the app and every public endpoint has a function, the trigger functions are the
/// app's POST routes, and host.json pins the protocol the handler speaks.
/// </summary>
public sealed class FunctionAppLayoutTests
{
    /// <summary>The function folders as publishing writes them (Triggers/FunctionFolders.cs, from Api/Endpoints.cs).</summary>
    internal static IReadOnlyDictionary<string, JsonElement> Functions()
    {
        var functions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, json) in FunctionFolders.Generate())
        {
            using var doc = JsonDocument.Parse(json);
            functions[name] = doc.RootElement.Clone();
        }

        return functions;
    }

    internal static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void EveryFunctionJsonIsWellFormedForItsTrigger()
    {
        var functions = Functions();
        Assert.Equal(13, functions.Count);
        foreach (var (name, function) in functions)
        {
            Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", name);
            var bindings = function.GetProperty("bindings").EnumerateArray().ToArray();
            Assert.All(bindings, b => Assert.False(string.IsNullOrEmpty(b.GetProperty("name").GetString())));
            var trigger = Trigger(function);
            Assert.Equal("in", trigger.GetProperty("direction").GetString());
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    Assert.Equal(2, bindings.Length);
                    Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString()); // the app checks API keys itself
                    // Reads answer GET and HEAD; the MCP server (streamable HTTP, stateless) takes POST only.
                    Assert.Subset(name == Endpoints.Mcp.Name ? ["post"] : new HashSet<string> { "get", "head" }, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToHashSet());
                    Assert.False(string.IsNullOrWhiteSpace(trigger.GetProperty("route").GetString()));
                    var output = bindings.Single(b => b.GetProperty("direction").GetString() == "out");
                    Assert.Equal("http", output.GetProperty("type").GetString());
                    break;
                case "eventHubTrigger":
                    Assert.Equal(FunctionNames.IngestEvents, name);
                    Assert.Equal(EventHubTrigger.BindingName, trigger.GetProperty("name").GetString());
                    Assert.Equal("many", trigger.GetProperty("cardinality").GetString());
                    Assert.Equal("string", trigger.GetProperty("dataType").GetString());
                    Assert.Equal("%EventHubName%", trigger.GetProperty("eventHubName").GetString());
                    Assert.Equal("%EventHubConsumerGroup%", trigger.GetProperty("consumerGroup").GetString());
                    Assert.Equal("EventHubConnection", trigger.GetProperty("connection").GetString());
                    var retry = function.GetProperty("retry");
                    Assert.Equal("exponentialBackoff", retry.GetProperty("strategy").GetString());
                    Assert.Equal(-1, retry.GetProperty("maxRetryCount").GetInt32()); // a storage outage must not skip a batch
                    var min = TimeSpan.Parse(retry.GetProperty("minimumInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    var max = TimeSpan.Parse(retry.GetProperty("maximumInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.InRange(min, TimeSpan.FromSeconds(1), max);
                    Assert.True(max <= TimeSpan.FromMinutes(5));
                    break;
                case "timerTrigger":
                    Assert.Equal(FunctionNames.SnapshotLeaderboard, name);
                    Assert.Equal("*/30 * * * * *", trigger.GetProperty("schedule").GetString());
                    Assert.False(trigger.GetProperty("runOnStartup").GetBoolean());
                    break;
                default:
                    Assert.Fail($"{name}: unexpected trigger {trigger.GetProperty("type")}");
                    break;
            }
        }

        Assert.Equal(FunctionNames.Triggers.Order(), functions.Where(f => Trigger(f.Value).GetProperty("type").GetString() != "httpTrigger").Select(f => f.Key).Order());
    }

    [Fact]
    public async Task EveryHttpFunctionRouteIsServedAndEveryPublicEndpointHasAFunction()
    {
        using var app = HostProtocolTests.FunctionApp();
        using var client = app.ClientWithKey(Keys.Alpha);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToArray();
        var gets = endpoints.Where(e => Methods(e).Contains("GET")).Select(e => e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();
        var posts = endpoints.Where(e => Methods(e).Contains("POST")).Select(e => e.RoutePattern.RawText!.Trim('/')).ToHashSet();

        var routes = Functions().Select(f => Trigger(f.Value)).Where(t => t.GetProperty("type").GetString() == "httpTrigger").Select(t => t.GetProperty("route").GetString()!).ToArray();
        const string CatchAll = "{*path}";
        Assert.Contains(CatchAll, routes); // the dashboard at / (and its assets), GET and HEAD only
        Assert.Contains(Endpoints.Mcp.Function, routes); // POST only; McpServerTests and FunctionAppMcpTests call it
        foreach (var route in routes.Where(r => r != CatchAll && r != Endpoints.Mcp.Function))
        {
            Assert.Contains(route, gets);
            using var response = await client.GetAsync("/" + route.Replace("{symbol}", "SPY", StringComparison.Ordinal));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode != HttpStatusCode.NotFound || body.Contains("symbol_not_found", StringComparison.Ordinal), $"/{route}: {response.StatusCode} {body}");
        }

        // Every GET the app serves is a function's route, or the dashboard ("/" and its files) or the API reference
        // ("/docs" and its files) through the catch-all.
        Assert.DoesNotContain(gets.Except(routes), r => r.Length > 0 && !r.StartsWith("dashboard/", StringComparison.Ordinal) && r.Split('/')[0] != Endpoints.Docs.Route);

        // The POST routes are exactly the trigger invocations and the MCP server's own function, so nothing else is
        // reachable by POST under the host, and the catch-all (GET and HEAD only) cannot forward a public POST to them.
        Assert.Equal(FunctionNames.Triggers.Append(Endpoints.Mcp.Function!).Order(), posts.Order());
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
    }

    [Fact]
    public void HostJsonPinsTheProtocolTheHandlerSpeaks()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "host.json")));
        var host = doc.RootElement;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        Assert.Equal(typeof(Program).Assembly.GetName().Name, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        // Proxying (YARP): path and query as sent, bodies and answers streamed. Not the legacy forwarding, which rebuilds
        // the query, drops a body without Content-Length and buffers whole answers.
        Assert.True(handler.GetProperty("enableProxyingHttpRequest").GetBoolean());
        Assert.False(handler.TryGetProperty("enableForwardingHttpRequest", out _));
        var bundle = host.GetProperty("extensionBundle");
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", bundle.GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", bundle.GetProperty("version").GetString());
        var extensions = host.GetProperty("extensions");
        Assert.Equal(string.Empty, extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        var eventHubs = extensions.GetProperty("eventHubs");
        Assert.Equal(1000, eventHubs.GetProperty("maxEventBatchSize").GetInt32());
        Assert.Equal(1, eventHubs.GetProperty("batchCheckpointFrequency").GetInt32());
        Assert.True(eventHubs.GetProperty("prefetchCount").GetInt32() >= 1000);
        Assert.True(host.TryGetProperty("logging", out _));
    }

    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
}
