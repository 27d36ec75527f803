using System.Net;
using System.Text.RegularExpressions;
using FlowFunctions.Functions.Docs;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Hosting;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// The API reference's page over HTTP (docs/api.md "API reference"): the app's own files only, the dashboard's policy
/// with a fresh nonce on every answer for its start-up script, and the Development key only in Development.
/// </summary>
public sealed partial class DocsPageTests
{
    [Fact]
    public async Task ThePageLoadsTheAppsOwnFilesUnderThePolicyWithANonceForEachAnswer()
    {
        await using var app = new FlowApiFactory();
        using var client = app.CreateClient();
        var nonces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var page = await client.GetAsync("/docs/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            var nonce = Nonce().Match(html).Groups[1].Value;
            Assert.Equal(DocsApi.Policy(nonce), page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("connect-src 'self'", DocsApi.Policy(nonce), StringComparison.Ordinal);
            Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
            Assert.All(Scripts().Matches(html), s => Assert.Equal(nonce, s.Groups[1].Value));
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
            Assert.Contains(Keys.Alpha, html, StringComparison.Ordinal); // Development fills in its key
            nonces.Add(nonce);
        }

        Assert.NotEqual(nonces[0], nonces[1]);
        Assert.True(nonces[0].Length >= 22, nonces[0]);
        foreach (var file in new[] { "scalar.js", "scalar.aspnetcore.js" })
        {
            using var script = await client.GetAsync($"/docs/{file}");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }

        // The 4.9 MB script under a URL named by its hash, kept a year; the page loads it from there.
        var bundle = await client.GetStringAsync("/docs/");
        Assert.Contains(DocsApi.BundlePath, bundle, StringComparison.Ordinal);
        using (var versioned = await client.GetAsync(DocsApi.BundlePath))
        {
            Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", versioned.Headers.CacheControl?.ToString());
            Assert.True((await versioned.Content.ReadAsByteArrayAsync()).Length > 4_000_000); // unzipped: this client sends no Accept-Encoding
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/docs/assets/0000000000000000/scalar.js")).StatusCode);

        using var noRedirects = app.CreateClient(new() { AllowAutoRedirect = false });
        using var redirect = await noRedirects.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
    }

    [Fact]
    public async Task OutsideDevelopmentThePageCarriesNoKey()
    {
        await using var production = new FlowApiFactory(new Dictionary<string, string?> { ["Auth:KeyHashSecret"] = "docs-test-key-hash-secret" })
            .WithWebHostBuilder(b => b.UseEnvironment("Production"));
        using var client = production.CreateClient();
        var html = await client.GetStringAsync("/docs/");
        Assert.DoesNotContain(Keys.Alpha, html, StringComparison.Ordinal);
        Assert.DoesNotContain("securitySchemes", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<script type="module" nonce="([^"]+)">""")]
    private static partial Regex Nonce();

    [GeneratedRegex("""<script[^>]* nonce="([^"]+)"[^>]*>""")]
    private static partial Regex Scripts();
}
