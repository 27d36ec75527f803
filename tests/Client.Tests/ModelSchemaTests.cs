using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowFunctions.Client.Models;

namespace FlowFunctions.Client.Tests;

/// <summary>
/// The .NET client's models field for field against the app's own <c>/v1/openapi.json</c>: every JSON name a response
/// schema lists is a property of its record and every property is in the schema, at every level, found through the
/// schemas' references. (The Python client's models are held to the same document by clients/python/tests/test_schema.py.)
/// </summary>
public sealed class ModelSchemaTests(SocketApp app) : IClassFixture<SocketApp>
{
    private static readonly Dictionary<Type, string> Answers = new()
    {
        [typeof(FlowAnomaly)] = "FlowAnomalyResponse",
        [typeof(FlowSummary)] = "FlowSummaryResponse",
        [typeof(CumulativeFlow)] = "CumulativeFlowResponse",
        [typeof(StrikeFlow)] = "StrikeFlowResponse",
        [typeof(Leaderboard)] = "LeaderboardResponse",
        [typeof(Account)] = "AccountResponse",
    };

    [Fact]
    public async Task EveryModelHasExactlyItsSchemasFieldsAtEveryLevel()
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        using var document = JsonDocument.Parse(await http.GetStringAsync("/v1/openapi.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var checkedPairs = new HashSet<(Type, string)>();
        foreach (var (type, schema) in Answers)
        {
            Check(type, schema);
        }

        Assert.True(checkedPairs.Count >= 15, $"only {checkedPairs.Count} models were reached");

        void Check(Type type, string name)
        {
            if (!checkedPairs.Add((type, name)))
            {
                return;
            }

            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Json: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
                .Where(p => p.Json is not null && p.Property.GetCustomAttribute<JsonIgnoreAttribute>() is null)
                .ToDictionary(p => p.Json!, p => p.Property);
            var documented = schemas.GetProperty(name).GetProperty("properties");
            Assert.True(
                documented.EnumerateObject().Select(p => p.Name).Order().SequenceEqual(properties.Keys.Order()),
                $"{type.Name} against {name}: schema [{string.Join(", ", documented.EnumerateObject().Select(p => p.Name).Order())}], model [{string.Join(", ", properties.Keys.Order())}]");
            foreach (var (json, property) in properties)
            {
                var reference = Reference(documented.GetProperty(json));
                var inner = ModelIn(property.PropertyType);
                if (reference is null && inner is not null && !inner.GetProperties().Any(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null))
                {
                    // A reserved, always-empty object (gap_intervals): documented as a bare object.
                    continue;
                }

                Assert.True(reference is null == inner is null, $"{type.Name}.{property.Name} against {name}.{json}");
                if (reference is not null)
                {
                    Check(inner!, reference);
                }
            }
        }
    }

    private static string? Reference(JsonElement property)
    {
        foreach (var node in new[] { property, property.TryGetProperty("items", out var items) ? items : default })
        {
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference))
            {
                return reference.GetString()!.Split('/')[^1];
            }
        }

        return null;
    }

    /// <summary>A record of the models namespace, itself or inside a list or a nullable.</summary>
    private static Type? ModelIn(Type type)
    {
        if (type.Namespace == typeof(Account).Namespace && !type.IsEnum)
        {
            return type;
        }

        return type.IsGenericType ? type.GetGenericArguments().Select(ModelIn).FirstOrDefault(t => t is not null) : null;
    }
}
