using FlowFunctions.Testing;
using Microsoft.Playwright;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// The API reference at /docs in Debian's Chromium: it renders the app's OpenAPI document from files the app serves,
/// with no Content Security Policy violation, no request leaving the app, and "try it" calling an endpoint with the key
/// in the X-Api-Key header (the Development alpha key, filled in by the page in the Development environment).
/// </summary>
public sealed class DocsBrowserTests(IngestedSocketApp app) : IClassFixture<IngestedSocketApp>
{
    private static readonly string Artifacts = Path.Combine(AzuriteFixture.RepositoryRoot(), "artifacts", "dashboard");

    [Fact]
    public async Task TheReferenceRendersAndTryItCallsAnEndpointWithTheKeyInTheHeader()
    {
        var baseUrl = app.Address.AbsoluteUri.TrimEnd('/');
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.OpenAsync(width: 1440, height: 1000, ColorScheme.Light);
        await page.Page.GotoAsync($"{baseUrl}/docs/#v1/tag/flow/GET/v1/flow/options/leaderboard");
        var operation = page.Page.Locator("[id='v1/tag/flow/GET/v1/flow/options/leaderboard']");
        await operation.Locator(".show-api-client-button").First.ClickAsync();

        var answer = page.Page.WaitForResponseAsync(r => r.Url.Contains("/v1/flow/options/leaderboard", StringComparison.Ordinal));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync();
        var response = await answer;
        Assert.Equal(200, response.Status);
        Assert.Equal(Keys.Alpha, await response.Request.HeaderValueAsync("x-api-key"));
        Assert.DoesNotContain(Keys.Alpha, response.Url, StringComparison.Ordinal);

        Directory.CreateDirectory(Artifacts);
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "docs-try-it.png") });
        page.AssertNoConsoleErrors();
        Assert.All(page.Sent, s => Assert.True(s.Url.StartsWith(baseUrl + "/", StringComparison.Ordinal) || s.Url.StartsWith("data:", StringComparison.Ordinal), $"a request left the app: {s.Url}"));
    }
}
