using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Leaderboards;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FlowFunctions.Functions.Dashboard;

/// <summary>
/// The dashboard: <c>/</c> (the page, also the Functions host's start-up probe), <c>/dashboard/{file}</c> (its script,
/// styles and the chart library) and <c>/dashboard/config.json</c> (what the page needs to know about this app). The
/// files are embedded in the assembly at build time (Functions.csproj: <c>web/</c> and the npm packages of
/// <c>package.json</c>), so the handler serves them wherever the host starts it. Every answer carries a Content
/// Security Policy that lets the page talk to this origin only, so an API key typed into it can go nowhere else.
/// Anonymous: the page holds no data; its API calls carry the user's key.
/// </summary>
public static class DashboardApi
{
    /// <summary>Scripts and styles from this origin only, requests to this origin only, no framing, no inline code.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string ResourcePrefix = "dashboard/";

    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(Load);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.Dashboard.Path, Endpoints.Dashboard.Methods, (HttpContext context) => Serve(context, "index.html")).As(Endpoints.Dashboard);
        app.MapMethods(Endpoints.DashboardConfig.Path, Endpoints.DashboardConfig.Methods, Config).As(Endpoints.DashboardConfig);
        app.MapMethods(Endpoints.DashboardAsset.Path, Endpoints.DashboardAsset.Methods, (HttpContext context, string file) => Serve(context, file)).As(Endpoints.DashboardAsset);
        return app;
    }

    /// <summary>
    /// What the page needs to know: the simulator's universe (the symbol picker), how often the leaderboard snapshot
    /// turns over (auto-refresh), and in the Development environment only, the Development alpha key, so that a newcomer
    /// sees data without typing one (the key is in appsettings.Development.json and printed at start-up anyway).
    /// </summary>
    /// <summary>The routes the page calls, by the name its modules use, from the declarations (Api/Endpoints.cs).</summary>
    private static readonly Dictionary<string, string> Routes = new()
    {
        ["summary"] = Endpoints.FlowSummary.Path,
        ["anomaly"] = Endpoints.FlowAnomaly.Path,
        ["cumulative"] = Endpoints.CumulativeFlow.Path,
        ["strikes"] = Endpoints.StrikeFlow.Path,
        ["leaderboard"] = Endpoints.Leaderboard.Path,
        ["stream"] = Endpoints.FlowStream.Path,
        ["account"] = Endpoints.Account.Path,
    };

    public static IResult Config(HttpContext context, IHostEnvironment environment, IOptions<AuthOptions> auth)
    {
        var developmentKey = DevelopmentKeys.ForPages(environment, auth.Value);
        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(
            new DashboardConfig([.. SimUniverse.Core.Select(u => u.Symbol)], (int)LeaderboardSnapshots.FreshFor.TotalSeconds, developmentKey, Routes),
            ApiJsonContext.Default.DashboardConfig);
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Assets.Value.TryGetValue(file, out var asset))
        {
            return TypedResults.NotFound();
        }

        var response = context.Response;
        Secure(response);
        response.Headers.ETag = asset.ETag;
        // Revalidated on every load (an answer of 304 when unchanged): the file names carry no version.
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (asset.Gzip is { } gzip && AcceptsGzip(context.Request.Headers.AcceptEncoding))
        {
            response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(gzip.Value, asset.ContentType);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>The page headers: <see cref="ContentSecurityPolicy"/> (or <paramref name="policy"/>), no referrer, no sniffing, no framing.</summary>
    public static void Secure(HttpResponse response, string policy = ContentSecurityPolicy)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }

    /// <summary>gzip listed with a quality above zero (<c>gzip;q=0.5</c> accepts it, <c>gzip;q=0</c> refuses it).</summary>
    private static bool AcceptsGzip(StringValues acceptEncoding) =>
        StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings)
        && codings.Any(c => c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && (c.Quality ?? 1) > 0);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardApi).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var type = ContentType(name);
            // Compressed on first use, not here: "/" is the host's start-up probe, and cold start is measured to it.
            assets[name[ResourcePrefix.Length..]] = new Asset(content, type, ETagOf(content), type.StartsWith("image/png", StringComparison.Ordinal) ? null : new Lazy<byte[]>(() => Gzip(content)));
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    private static string ETagOf(byte[] content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag, Lazy<byte[]>? Gzip);
}

/// <summary>
/// <c>/dashboard/config.json</c> (see <see cref="DashboardApi.Config"/>): the symbol picker's universe, the seconds a
/// leaderboard snapshot is answered for (the page's refresh period), the Development key (null elsewhere), and the
/// routes the page calls (path templates with <c>{symbol}</c>), so the page restates none.
/// </summary>
public sealed record DashboardConfig(
    [property: JsonPropertyName("universe")] IReadOnlyList<string> Universe,
    [property: JsonPropertyName("refresh_seconds")] int RefreshSeconds,
    [property: JsonPropertyName("development_key")] string? DevelopmentKey,
    [property: JsonPropertyName("routes")] IReadOnlyDictionary<string, string> Routes);
