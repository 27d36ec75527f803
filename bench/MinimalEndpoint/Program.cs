// The minimal ASP.NET Core app every figure of bench/Benchmarks is measured beside (docs/benchmarks.md). It does the
// least each comparison allows and nothing else:
//   GET  /                 200, the host's start-up probe (cold start)
//   POST /IngestEvents     deserializes an Event Hubs invocation (the same bytes the function app gets) into typed
//                          records with source-generated System.Text.Json, and answers 200
//   PUT  /cached/{name}    keeps a body in memory (set-up only)
//   GET  /cached/{name}    returns that body as application/json (the cached-response yardstick)
// It listens where the Functions host would tell a custom handler to: 127.0.0.1:FUNCTIONS_CUSTOMHANDLER_PORT.
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowFunctions.MinimalEndpoint;

var builder = WebApplication.CreateBuilder(args);
var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
builder.WebHost.UseUrls(string.IsNullOrEmpty(port) ? "http://127.0.0.1:5099" : $"http://127.0.0.1:{port}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 << 20);
var app = builder.Build();
var cache = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);

app.MapGet("/", () => "ok");

app.MapPost("/IngestEvents", async (HttpRequest request) =>
{
    var invocation = await JsonSerializer.DeserializeAsync(request.Body, MinimalJson.Default.Invocation, request.HttpContext.RequestAborted);
    var messages = JsonSerializer.Deserialize(invocation?.Data?.Events ?? "[]", MinimalJson.Default.StringArray) ?? [];
    var prints = 0;
    foreach (var message in messages)
    {
        var e = JsonSerializer.Deserialize(message, MinimalJson.Default.MarketEventRecord);
        if (e is { Type: "trade" })
        {
            prints++;
        }
    }

    return Results.Json(new InvocationAnswer(prints), MinimalJson.Default.InvocationAnswer);
});

app.MapPut("/cached/{name}", async (string name, HttpRequest request) =>
{
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body);
    cache[name] = body.ToArray();
    return Results.NoContent();
});

app.MapGet("/cached/{name}", (string name) =>
    cache.TryGetValue(name, out var body) ? Results.Bytes(body, "application/json; charset=utf-8") : Results.NotFound());

app.Run();

namespace FlowFunctions.MinimalEndpoint
{
    /// <summary>The host's invocation: <c>Data.events</c> is the batch as JSON text inside a string (Metadata is skipped).</summary>
    internal sealed record Invocation(InvocationData? Data);

    internal sealed record InvocationData([property: JsonPropertyName("events")] string? Events);

    internal sealed record InvocationAnswer(int Prints);

    /// <summary>Every field of the three event types of docs/api.md "Events", typed.</summary>
    internal sealed record MarketEventRecord(
        string? Type,
        DateTimeOffset Ts,
        string? Underlying,
        string? Expiry,
        double? Strike,
        string? Right,
        string? Contract,
        double? Price,
        int? Size,
        double? Bid,
        double? Ask,
        double? Spot,
        double? Iv,
        string? Side,
        string? Exchange,
        string[]? Conditions,
        string? Id,
        ChainContractRecord[]? Contracts);

    internal sealed record ChainContractRecord(string? Expiry, double Strike, string? Right, long? Oi, double? Iv, double? Bid, double? Ask);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
    [JsonSerializable(typeof(Invocation))]
    [JsonSerializable(typeof(InvocationAnswer))]
    [JsonSerializable(typeof(MarketEventRecord))]
    [JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
    internal sealed partial class MinimalJson : JsonSerializerContext;
}
