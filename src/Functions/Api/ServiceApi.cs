using System.Text.Json.Serialization;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>Body of <c>GET /health</c>.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("market_time")] DateTimeOffset MarketTime,
    [property: JsonPropertyName("market_replay")] bool MarketReplay);

/// <summary>The unauthenticated service routes <c>/health</c> and <c>/v1/openapi.json</c> (the dashboard at <c>/</c> is Dashboard/DashboardApi).</summary>
public static class ServiceApi
{
    private const string OpenApiResource = "FlowFunctions.Functions.Api.openapi.json";

    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.Health.Path, Endpoints.Health.Methods, Health).As(Endpoints.Health);
        app.MapMethods(Endpoints.OpenApi.Path, Endpoints.OpenApi.Methods, OpenApi).As(Endpoints.OpenApi);
        return app;
    }

    public static JsonHttpResult<HealthResponse> Health(MarketClock clock, AppMode mode) =>
        TypedResults.Json(
            new HealthResponse("OK", mode.Name, mode.Storage.Name(), Analytics.Flow.Rounding.Seconds(clock.Now), clock.IsReplay),
            ApiJsonContext.Default.HealthResponse);

    public static FileContentHttpResult OpenApi(EndpointCatalog catalog) => TypedResults.File(catalog.OpenApiDocument, "application/json");

    /// <summary>The checked-in part of the document (<see cref="OpenApiPaths"/> adds the query endpoints).</summary>
    internal static byte[] CheckedInOpenApi()
    {
        using var stream = typeof(ServiceApi).Assembly.GetManifestResourceStream(OpenApiResource)
            ?? throw new InvalidOperationException($"Embedded resource {OpenApiResource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
