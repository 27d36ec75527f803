using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Functions.Dashboard;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Hosting;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// How the app serves the dashboard's files (DashboardApi): the page and the chart library embedded by the build, the
/// policy that keeps the page's requests on this origin, revalidation and compression, and the config the page reads.
/// </summary>
public sealed class DashboardAssetTests : IDisposable
{
    private readonly FlowApiFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/dashboard/main.js", "text/javascript")]
    [InlineData("/dashboard/logic.js", "text/javascript")]
    [InlineData("/dashboard/dashboard.css", "text/css")]
    [InlineData("/dashboard/vendor/uPlot.iife.min.js", "text/javascript")]
    [InlineData("/dashboard/vendor/uPlot.min.css", "text/css")]
    [InlineData("/dashboard/favicon.svg", "image/svg+xml")]
    public async Task EveryFileThePageLoadsIsServedWithTheOriginOnlyPolicy(string path, string type)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardApi.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("connect-src 'self'", DashboardApi.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task ThePageLoadsOnlyFilesTheAppServes()
    {
        using var client = _app.CreateClient();
        var html = await client.GetStringAsync("/");
        var references = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Contains("/dashboard/vendor/uPlot.iife.min.js", references);
        foreach (var reference in references)
        {
            Assert.StartsWith("/", reference, StringComparison.Ordinal); // nothing from another origin
            using var response = await client.GetAsync(reference);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{reference}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task AnUnchangedFileAnswers304AndACompressedOneUnpacksToTheSameBytes()
    {
        using var client = _app.CreateClient();
        using var plain = await client.GetAsync("/dashboard/vendor/uPlot.iife.min.js");
        var bytes = await plain.Content.ReadAsByteArrayAsync();
        var etag = plain.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/uPlot.iife.min.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var zipped = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/uPlot.iife.min.js");
        zipped.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var compressed = await client.SendAsync(zipped);
        Assert.Equal("gzip", compressed.Content.Headers.ContentEncoding.Single());
        var packed = await compressed.Content.ReadAsByteArrayAsync();
        Assert.True(packed.Length < bytes.Length / 2, $"{packed.Length} of {bytes.Length} bytes");
        using var unpacked = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress))
        {
            gzip.CopyTo(unpacked);
        }

        Assert.Equal(bytes, unpacked.ToArray());

        // A quality above zero accepts gzip; zero refuses it.
        foreach (var (accept, encoded) in new[] { ("gzip;q=0.5, identity", true), ("gzip;q=0, identity", false), ("br", false) })
        {
            using var weighted = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/uPlot.iife.min.js");
            weighted.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
            using var answer = await client.SendAsync(weighted);
            Assert.True(encoded == answer.Content.Headers.ContentEncoding.Contains("gzip"), accept);
        }
    }

    [Theory]
    [InlineData("/dashboard/nothing.js")]
    [InlineData("/dashboard/../appsettings.json")]
    [InlineData("/dashboard/%2e%2e/%2e%2e/FlowFunctions.dll")]
    public async Task AnythingElseUnderDashboardIsNotFound(string path)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheConfigNamesTheUniverseAndTheRefreshPeriod_AndTheDevelopmentKeyOnlyInDevelopment()
    {
        using var client = _app.CreateClient();
        var config = await client.GetFromJsonAsync<JsonElement>("/dashboard/config.json");
        Assert.Equal(64, config.GetProperty("universe").GetArrayLength());
        Assert.Equal("SPY", config.GetProperty("universe")[0].GetString());
        Assert.Equal(30, config.GetProperty("refresh_seconds").GetInt32());
        Assert.Equal(Keys.Alpha, config.GetProperty("development_key").GetString());

        using var production = new FlowApiFactory(new Dictionary<string, string?> { ["Auth:KeyHashSecret"] = "dashboard-test-key-hash-secret" })
            .WithWebHostBuilder(b => b.UseEnvironment("Production"));
        using var productionClient = production.CreateClient();
        var productionConfig = await productionClient.GetFromJsonAsync<JsonElement>("/dashboard/config.json");
        Assert.Equal(JsonValueKind.Null, productionConfig.GetProperty("development_key").ValueKind);
    }
}
