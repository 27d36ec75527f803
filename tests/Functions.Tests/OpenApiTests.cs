using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Functions.Api;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// <c>/v1/openapi.json</c> is the checked-in document with the query endpoints' operations made from their declarations
/// (Api/OpenApiPaths.cs); these tests hold it to the endpoint list (Api/Endpoints.cs, which the
/// app maps: EndpointListTests) and to the running app: every route and method, each endpoint's plan, every parameter's default and clamp, and every response's field set at every level.
/// </summary>
public sealed class OpenApiTests(IngestedApp app) : IClassFixture<IngestedApp>
{
    [Fact]
    public async Task EveryMappedRouteIsDocumentedWithItsPlanAndNothingElseIs()
    {
        var doc = await DocumentAsync();
        var paths = doc.GetProperty("paths");
        var documented = new HashSet<string>();
        foreach (var endpoint in Endpoints.All)
        {
            // A catch-all parameter ({*file}) is an ordinary path parameter in OpenAPI.
            var route = endpoint.Path.Replace("{*", "{", StringComparison.Ordinal);
            // HEAD is answered wherever GET is (docs/api.md) but on the stream and the reference (Scalar maps GET only),
            // and, as usual, not listed as an operation of its own.
            Assert.Equal(endpoint.Methods.Contains("GET") && endpoint != Endpoints.FlowStream && endpoint != Endpoints.Docs, endpoint.Methods.Contains("HEAD"));
            var method = endpoint.Methods.Single(m => m != "HEAD").ToLowerInvariant();
            Assert.True(paths.TryGetProperty(route, out var path), $"{route} is not documented");
            Assert.True(path.TryGetProperty(method, out var operation), $"{method} {route} is not documented");
            documented.Add($"{method} {route}");

            if (endpoint.Access != EndpointAccess.Public)
            {
                var plan = endpoint.Access switch
                {
                    EndpointAccess.Admin => "admin",
                    EndpointAccess.Plan => endpoint.Plan.Name(),
                    _ => "free",
                };
                Assert.Equal(plan, operation.GetProperty("x-required-plan").GetString());
                Assert.Equal(2, operation.GetProperty("security").GetArrayLength());
                Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), route);
            }
            else
            {
                Assert.False(operation.TryGetProperty("x-required-plan", out _), route);
            }
        }

        var all = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name} {p.Name}")).ToHashSet();
        Assert.Equal(all.Order(), documented.Order());
    }

    [Fact]
    public async Task DefaultsAndClampsMatchTheCode()
    {
        var doc = await DocumentAsync();
        AssertWindow(doc, "/v1/flow/options/{symbol}/cumulative", "minutes", CumulativeFlow.DefaultMinutes, CumulativeFlow.MaxMinutes);
        AssertWindow(doc, "/v1/flow/zero-dte/strike-flow/{symbol}", "minutes", StrikeFlow.DefaultMinutes, StrikeFlow.MaxMinutes);
        AssertWindow(doc, "/v1/flow/options/leaderboard", "n", Leaderboard.DefaultN, Leaderboard.MaxN);
        AssertWindow(doc, "/v1/flow/options/leaderboard", "windowMinutes", Leaderboard.DefaultWindowMinutes, Leaderboard.MaxWindowMinutes);

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("header", "X-Api-Key"), (schemes.GetProperty("ApiKeyHeader").GetProperty("in").GetString(), schemes.GetProperty("ApiKeyHeader").GetProperty("name").GetString()));
        Assert.Equal(("query", "apiKey"), (schemes.GetProperty("ApiKeyQuery").GetProperty("in").GetString(), schemes.GetProperty("ApiKeyQuery").GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("/v1/strategies/flow-anomaly/{symbol}", "/v1/strategies/flow-anomaly/SPY")]
    [InlineData("/v1/flow/summary/{symbol}", "/v1/flow/summary/SPY")]
    [InlineData("/v1/flow/options/{symbol}/cumulative", "/v1/flow/options/SPY/cumulative")]
    [InlineData("/v1/flow/zero-dte/strike-flow/{symbol}", "/v1/flow/zero-dte/strike-flow/SPY")]
    [InlineData("/v1/flow/options/leaderboard", "/v1/flow/options/leaderboard")]
    [InlineData("/v1/account", "/v1/account")]
    public async Task EachResponseSchemaHasExactlyTheFieldsTheEndpointSends(string route, string url)
    {
        var doc = await DocumentAsync();
        var body = await app.GetJsonAsync(url);
        var schema = doc.GetProperty("paths").GetProperty(route).GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        AssertMatches(doc, schema, body, route);
    }

    [Fact]
    public async Task TheErrorSchemasMatchTheErrorBodies()
    {
        var doc = await DocumentAsync();
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        using var free = app.Factory.ClientWithKey(Keys.Free);
        var tier = await (await free.GetAsync("/v1/flow/options/leaderboard")).Content.ReadFromJsonAsync<JsonElement>();
        AssertMatches(doc, schemas.GetProperty("TierError"), tier, "TierError");
        using var alpha = app.Factory.ClientWithKey(Keys.Alpha);
        var bad = await (await alpha.GetAsync("/v1/flow/options/SPY/cumulative?minutes=x")).Content.ReadFromJsonAsync<JsonElement>();
        AssertMatches(doc, schemas.GetProperty("Error"), bad, "Error");
    }

    private static void AssertWindow(JsonElement doc, string route, string name, int fallback, int max)
    {
        var parameter = doc.GetProperty("paths").GetProperty(route).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.TryGetProperty("name", out var n) && n.GetString() == name);
        var schema = parameter.GetProperty("schema");
        Assert.Equal((fallback, 1, max), (schema.GetProperty("default").GetInt32(), schema.GetProperty("minimum").GetInt32(), schema.GetProperty("maximum").GetInt32()));
    }

    /// <summary>Objects have exactly the schema's properties; arrays' items match the item schema; $refs are followed.</summary>
    private static void AssertMatches(JsonElement doc, JsonElement schema, JsonElement value, string at)
    {
        schema = Resolve(doc, schema);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when schema.TryGetProperty("properties", out var props):
                Assert.Equal(props.EnumerateObject().Select(p => p.Name).Order(), value.EnumerateObject().Select(p => p.Name).Order());
                foreach (var p in value.EnumerateObject())
                {
                    AssertMatches(doc, props.GetProperty(p.Name), p.Value, $"{at}.{p.Name}");
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    AssertMatches(doc, schema.GetProperty("items"), item, $"{at}[]");
                }

                break;
            default:
                var types = schema.TryGetProperty("type", out var t)
                    ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()!).ToArray() : [t.GetString()!]
                    : [];
                var kind = value.ValueKind switch
                {
                    JsonValueKind.String => "string",
                    JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
                    JsonValueKind.True or JsonValueKind.False => "boolean",
                    JsonValueKind.Null => "null",
                    _ => "object",
                };
                Assert.True(types.Contains(kind) || (kind == "integer" && types.Contains("number")), $"{at}: {kind} is not one of {string.Join('|', types)}");
                if (kind == "string" && schema.TryGetProperty("enum", out var values))
                {
                    Assert.Contains(value.GetString(), values.EnumerateArray().Select(v => v.GetString()));
                }

                break;
        }
    }

    private static JsonElement Resolve(JsonElement doc, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var r))
        {
            schema = doc;
            foreach (var part in r.GetString()!.TrimStart('#', '/').Split('/'))
            {
                schema = schema.GetProperty(part);
            }
        }

        return schema;
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = app.Factory.CreateClient();
        using var response = await client.GetAsync("/v1/openapi.json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
