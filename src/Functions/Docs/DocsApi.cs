using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Dashboard;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace FlowFunctions.Functions.Docs;

/// <summary>
/// <c>GET /docs</c> (docs/api.md "API reference"): Scalar's interactive reference of <c>/v1/openapi.json</c>, its script
/// served from the package under <c>/docs/</c> (no CDN, no Scalar-hosted fonts, agent or proxy), under the dashboard's
/// Content Security Policy with the two changes <see cref="Policy"/> gives.
/// "Try it" calls the app itself with the key in <c>X-Api-Key</c>; in the Development environment the Development alpha
/// key is filled in.
/// </summary>
public static class DocsApi
{
    /// <summary>Scalar's script (4.9 MB, 1.4 MB gzipped) as the package holds it, gzipped, and the first 16 hex digits of its SHA-256, which name its URL.</summary>
    private static readonly Lazy<(byte[] Bytes, string Hash)> Bundle = new(() =>
    {
        using var resource = typeof(ScalarOptions).Assembly.GetManifestResourceStream("ScalarStaticAssets.scalar.js")
            ?? throw new InvalidOperationException("Scalar.AspNetCore holds no scalar.js.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]);
    });

    /// <summary>
    /// Where the page loads Scalar's script from: a URL named by the script's hash, so it can be kept for a year
    /// (<c>immutable</c>) instead of revalidated on every load; a new package version is a new URL.
    /// </summary>
    public static string BundlePath => $"/{Endpoints.Docs.Route}/assets/{Bundle.Value.Hash}/scalar.js";

    /// <summary>The script unzipped, for a client that does not take gzip.</summary>
    private static readonly Lazy<byte[]> PlainBundle = new(() =>
    {
        using var zipped = new System.IO.Compression.GZipStream(new MemoryStream(Bundle.Value.Bytes), System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        zipped.CopyTo(plain);
        return plain.ToArray();
    });

    public static IEndpointRouteBuilder MapDocs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/" + Endpoints.Docs.Route + "/assets/{hash}/scalar.js", (string hash, HttpRequest request, HttpResponse response) =>
            {
                if (hash != Bundle.Value.Hash)
                {
                    return Results.NotFound();
                }

                response.Headers.CacheControl = "public, max-age=31536000, immutable";
                response.Headers.Vary = "Accept-Encoding";
                if (request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers.ContentEncoding = "gzip";
                    return Results.Bytes(Bundle.Value.Bytes, "text/javascript");
                }

                return Results.Bytes(PlainBundle.Value, "text/javascript");
            })
            .WithName($"{Endpoints.Docs.Name}:/{Endpoints.Docs.Route}/assets/{{hash}}/scalar.js")
            .ExcludeFromDescription();
        app.MapScalarApiReference("/" + Endpoints.Docs.Route, (options, context) =>
            {
                options.WithTitle("FlowFunctions API reference")
                    .WithBundleUrl(BundlePath)
                    .WithOpenApiRoutePattern(Endpoints.OpenApi.Path)
                    .DisableDefaultFonts()
                    .DisableAgent()
                    .DisableMcp()
                    .WithNonce()
                    .AddPreferredSecuritySchemes(["ApiKeyHeader"]);
                var services = context.RequestServices;
                if (DevelopmentKeys.ForPages(services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<IOptions<AuthOptions>>().Value) is { } key)
                {
                    options.AddApiKeyAuthentication("ApiKeyHeader", scheme => scheme.Value = key);
                }
            })
            .Add(endpoint =>
            {
                // Scalar maps the page and each of its files as endpoints of their own: one name each, under Docs.
                endpoint.Metadata.Add(new EndpointNameMetadata($"{Endpoints.Docs.Name}:{((RouteEndpointBuilder)endpoint).RoutePattern.RawText}"));
                var inner = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = context =>
                {
                    context.Response.OnStarting(() =>
                    {
                        var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] as string;
                        DashboardApi.Secure(context.Response, Policy(nonce));
                        return Task.CompletedTask;
                    });
                    return inner(context);
                };
            });
        return app;
    }

    /// <summary>
    /// The dashboard's policy with two changes: the page's own start-up script runs by this request's nonce, and styles
    /// may be inline, because Scalar's components inject their CSS as style elements at run time and carry no nonce.
    /// Inline styles cannot run script; scripts stay the app's own files and the nonced start-up, and connections stay
    /// same-origin.
    /// </summary>
    public static string Policy(string? nonce) => DashboardApi.ContentSecurityPolicy
        .Replace("script-src 'self'", nonce is null ? "script-src 'self'" : $"script-src 'self' 'nonce-{nonce}'", StringComparison.Ordinal)
        .Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal);
}
