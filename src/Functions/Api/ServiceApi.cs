using System.Text.Json.Serialization;
using FlowFunctions.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>Body of <c>GET /health</c>.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("market_time")] DateTimeOffset MarketTime,
    [property: JsonPropertyName("market_replay")] bool MarketReplay);

/// <summary>The unauthenticated routes: <c>/</c> (the host's start-up probe), <c>/health</c> and <c>/v1/openapi.json</c>.</summary>
public static class ServiceApi
{
    private const string OpenApiResource = "FlowFunctions.Functions.Api.openapi.json";

    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", ReadVerbs.GetOrHead, LandingPage).WithName("Home");
        app.MapMethods("/health", ReadVerbs.GetOrHead, Health).WithName("Health");
        app.MapMethods("/v1/openapi.json", ReadVerbs.GetOrHead, OpenApi).WithName("OpenApi");
        return app;
    }

    public static JsonHttpResult<HealthResponse> Health(MarketClock clock, AppMode mode) =>
        TypedResults.Json(
            new HealthResponse("OK", mode.Name, mode.Storage, Analytics.Flow.Rounding.Seconds(clock.Now), clock.IsReplay),
            ApiJsonContext.Default.HealthResponse);

    public static FileContentHttpResult OpenApi() => TypedResults.File(OpenApiDocument.Value, "application/json");

    public static ContentHttpResult LandingPage() => TypedResults.Content(LandingHtml, "text/html; charset=utf-8");

    private static readonly Lazy<byte[]> OpenApiDocument = new(() =>
    {
        using var stream = typeof(ServiceApi).Assembly.GetManifestResourceStream(OpenApiResource)
            ?? throw new InvalidOperationException($"Embedded resource {OpenApiResource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private const string LandingHtml = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>FlowFunctions</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:3rem auto;padding:0 1rem;color:#1b1f24}
        code{background:#f1f3f5;padding:.1rem .3rem;border-radius:3px}li{margin:.3rem 0}</style></head>
        <body><h1>FlowFunctions</h1>
        <p>Options-flow analytics API. Send your key in the <code>X-Api-Key</code> header or the <code>apiKey</code> query parameter.</p>
        <ul>
        <li><code>GET /v1/strategies/flow-anomaly/{symbol}</code> (growth)</li>
        <li><code>GET /v1/flow/summary/{symbol}</code> (growth)</li>
        <li><code>GET /v1/flow/options/{symbol}/cumulative?minutes=240</code> (alpha)</li>
        <li><code>GET /v1/flow/zero-dte/strike-flow/{symbol}?bar=1m&amp;minutes=60</code> (alpha)</li>
        <li><code>GET /v1/flow/options/leaderboard?n=10&amp;windowMinutes=240</code> (alpha)</li>
        <li><code>GET /v1/account</code> (any plan)</li>
        </ul>
        <p>The full contract: <a href="/v1/openapi.json">/v1/openapi.json</a>. Health: <a href="/health">/health</a>.</p>
        </body></html>
        """;
}
