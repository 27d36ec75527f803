using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Testing;
using Microsoft.Playwright;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// The dashboard looking back (docs/api.md "History"): an "as of" instant in the header asks every flow view with the
/// API's <c>at</c>, the views show the API's answer for that instant, and Live comes back to now. The key stays in the
/// header as ever.
/// </summary>
public sealed class DashboardLookBackTests
{
    private const string Then = "2026-06-05T18:00:00.000Z"; // 14:00 New York, 45 minutes before the app's clock

    [Fact]
    public async Task AnAsOfInstantAsksEveryFlowViewAsOfThenAndLiveComesBack()
    {
        await using var site = await DashboardSite.StartAsync();
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.OpenAsync(width: 1440, height: 1000, ColorScheme.Dark);
        await page.Page.GotoAsync($"{site.BaseUrl}/?symbol=QQQ#apiKey={Keys.Alpha}");
        await page.WaitForViewsAsync("summary", "anomaly", "cumulative", "strikes", "leaderboard");

        // The input takes the browser's local wall time; the page asks the instant it names.
        var refreshes = int.Parse(await page.Page.EvaluateAsync<string>("() => document.body.dataset.refreshes"), System.Globalization.CultureInfo.InvariantCulture);
        await page.Page.EvaluateAsync(
            "iso => { const d = new Date(iso); const i = document.getElementById('as-of'); i.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); i.dispatchEvent(new Event('change')); }",
            Then);
        await page.WaitForRefreshesAsync(refreshes + 1);
        await page.WaitForViewsAsync("summary", "anomaly", "cumulative", "strikes", "leaderboard");
        Assert.Equal(Then, await page.Page.EvaluateAsync<string>("() => document.body.dataset.asOf"));
        Assert.True(await page.Page.IsVisibleAsync("#as-of-live"));

        using var api = site.App.ClientWithKey(Keys.Alpha);
        var at = Uri.EscapeDataString(Then);
        var cumulative = await api.GetFromJsonAsync<JsonElement>($"/v1/flow/options/QQQ/cumulative?minutes=390&at={at}");
        var points = cumulative.GetProperty("points");
        Assert.Equal(points.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#cumulative", "data-points"));
        Assert.Equal(points[points.GetArrayLength() - 1].GetProperty("cumulative").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#cumulative", "data-last"));
        foreach (var path in new[] { "/v1/flow/summary/QQQ", "/v1/strategies/flow-anomaly/QQQ", "/v1/flow/options/QQQ/cumulative", "/v1/flow/zero-dte/strike-flow/QQQ", "/v1/flow/options/leaderboard" })
        {
            Assert.Contains(page.Sent, r => new Uri(r.Url).AbsolutePath == path && r.Url.Contains("at=" + at, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(page.Sent, r => new Uri(r.Url).AbsolutePath == "/v1/account" && r.Url.Contains("at=", StringComparison.Ordinal));

        // Play steps the instant a minute at a time; a second press pauses it.
        await page.Page.ClickAsync("#as-of-play");
        await page.Page.WaitForFunctionAsync("() => document.body.dataset.asOf === '2026-06-05T18:01:00.000Z'");
        await page.Page.ClickAsync("#as-of-play");
        Assert.Equal("false", await page.Page.GetAttributeAsync("#as-of-play", "aria-pressed"));

        // Live: the views are asked for now again.
        refreshes = int.Parse(await page.Page.EvaluateAsync<string>("() => document.body.dataset.refreshes"), System.Globalization.CultureInfo.InvariantCulture);
        await page.Page.ClickAsync("#as-of-live");
        await page.WaitForRefreshesAsync(refreshes + 1);
        Assert.Equal(string.Empty, await page.Page.EvaluateAsync<string>("() => document.body.dataset.asOf"));
        var live = await api.GetFromJsonAsync<JsonElement>("/v1/flow/options/QQQ/cumulative?minutes=390");
        Assert.Equal(live.GetProperty("points").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#cumulative", "data-points"));

        page.AssertNoConsoleErrors();
        page.AssertKeyOnlyInTheApiHeader(site.BaseUrl, Keys.Alpha);
    }
}
