using System.Text.Json;
using System.Text.Json.Nodes;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// <c>/v1/openapi.json</c> as served: the checked-in document (Api/openapi.json: the info, the routes that are not
/// queries, and the components: schemas, shared parameters, responses and headers) with every query endpoint's
/// operation made from its declaration (<see cref="ApiEndpoint.Parameters"/>, <see cref="ApiEndpoint.Doc"/>, its plan)
/// and put first, in the catalog's order. A new query endpoint or parameter is documented by its declaration alone.
/// </summary>
public static class OpenApiPaths
{
    private static readonly string[] RateLimitHeaders = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

    /// <summary>The served document: <paramref name="checkedIn"/> with the operations of <paramref name="queries"/> before its own paths.</summary>
    public static byte[] Compose(byte[] checkedIn, IEnumerable<ApiEndpoint> queries)
    {
        var document = JsonNode.Parse(checkedIn)!.AsObject();
        var kept = document["paths"]!.AsObject();
        var paths = new JsonObject();
        foreach (var endpoint in queries)
        {
            paths[endpoint.Path] = PathItem(endpoint);
        }

        foreach (var (path, item) in kept.ToList())
        {
            if (paths.ContainsKey(path))
            {
                throw new InvalidOperationException($"openapi.json documents {path} by hand, but it is a query endpoint made from its declaration.");
            }

            kept.Remove(path);
            paths[path] = item;
        }

        document["paths"] = paths;
        return JsonSerializer.SerializeToUtf8Bytes(document, OpenApiJsonContext.Default.JsonObject);
    }

    private static JsonObject PathItem(ApiEndpoint endpoint)
    {
        var doc = endpoint.Doc ?? throw new InvalidOperationException($"{endpoint.Name} is a query endpoint without an OpenAPI description (ApiEndpoint.Doc).");
        var plan = endpoint.Plan.Name();
        var responses = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["headers"] = Headers(),
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("schemas", doc.ResponseSchema) } },
            },
            ["400"] = Ref("responses", "BadRequest"),
            ["401"] = Ref("responses", "Unauthorized"),
            ["403"] = Ref("responses", "Forbidden"),
        };
        if (doc.MayBeNotFound)
        {
            responses["404"] = Ref("responses", "SymbolNotFound");
        }

        responses["429"] = Ref("responses", "RateLimited");
        responses["502"] = Ref("responses", "UpstreamUnavailable");
        var operation = new JsonObject
        {
            ["operationId"] = endpoint.Name,
            ["summary"] = doc.Summary,
            ["description"] = $"{doc.Description} Plan: {plan} and up.",
            ["x-required-plan"] = plan,
            ["tags"] = new JsonArray("flow"),
            ["security"] = new JsonArray(new JsonObject { ["ApiKeyHeader"] = new JsonArray() }, new JsonObject { ["ApiKeyQuery"] = new JsonArray() }),
            ["parameters"] = new JsonArray([.. endpoint.Parameters.Select(Parameter)]),
            ["responses"] = responses,
        };
        var item = new JsonObject();
        foreach (var method in endpoint.Methods.Where(m => !HttpMethods.IsHead(m)))
        {
            item[method.ToLowerInvariant()] = operation.DeepClone();
        }

        return item;
    }

    private static JsonNode Parameter(EndpointParameter p) => p.Kind switch
    {
        ParameterKind.Symbol => Ref("parameters", "Symbol"),
        ParameterKind.Date => Ref("parameters", "Expiry"),
        ParameterKind.Bar => Described(p, new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Analytics.Flow.StrikeFlow.OneMinute), ["default"] = Analytics.Flow.StrikeFlow.OneMinute }),
        ParameterKind.WholeNumber => Described(p, new JsonObject { ["type"] = "integer", ["default"] = p.Default, ["minimum"] = 1, ["maximum"] = p.Maximum }),
        ParameterKind.Instant => Described(p, new JsonObject { ["type"] = "string", ["format"] = "date-time" }),
        _ => throw new InvalidOperationException($"No OpenAPI form for {p.Kind}."),
    };

    private static JsonObject Described(EndpointParameter p, JsonObject schema) => new()
    {
        ["name"] = p.Name,
        ["in"] = p.Source == ParameterSource.Path ? "path" : "query",
        ["required"] = p.Required,
        ["description"] = p.Kind switch
        {
            ParameterKind.WholeNumber => p.Documentation + " Anything but a whole number is 400 invalid_parameter.",
            ParameterKind.Instant => p.Documentation + " Not an instant with an offset is 400 invalid_at; one in the future or before the retention is 400 at_out_of_range.",
            _ => p.Documentation,
        },
        ["schema"] = schema,
    };

    private static JsonObject Headers()
    {
        var headers = new JsonObject();
        foreach (var name in RateLimitHeaders)
        {
            headers[name] = Ref("headers", name);
        }

        return headers;
    }

    private static JsonObject Ref(string section, string name) => new() { ["$ref"] = $"#/components/{section}/{name}" };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class OpenApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
