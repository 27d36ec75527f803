using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowFunctions.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium driven by Playwright for .NET (never a downloaded browser;
/// .ci/run installs it with apt-get), against the app over Kestrel with the market simulator on, its clock held at
/// 14:45 New York on Friday 2026-06-05 so that the page and the API are read at the same moment. Screenshots go to
/// <c>artifacts/dashboard/</c> at the repository root.
/// </summary>
public sealed partial class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly string Artifacts = Path.Combine(AzuriteFixture.RepositoryRoot(), "artifacts", "dashboard");

    [Fact]
    public async Task EveryViewRendersTheApisNumbersWithoutConsoleErrorsAndTheKeyOnlyInTheHeader()
    {
        await using var site = await DashboardSite.StartAsync();
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.OpenAsync(width: 1440, height: 1000, ColorScheme.Dark);

        // The key arrives in the fragment (never sent to the server), is kept in the browser and leaves the address bar.
        await page.Page.GotoAsync($"{site.BaseUrl}/?symbol=QQQ#apiKey={Keys.Alpha}");
        await page.WaitForViewsAsync("summary", "anomaly", "cumulative", "strikes", "leaderboard");
        Assert.DoesNotContain("apiKey", page.Page.Url, StringComparison.Ordinal);

        // The live tape follows the stream (fetch, key in the header): the day's block prints so far are listed.
        await page.Page.WaitForFunctionAsync("() => document.getElementById('live').dataset.live === 'live' && document.querySelectorAll('#blocks-body tr').length > 0");
        Assert.Equal("QQQ", await page.Page.EvaluateAsync<string>("() => document.querySelector('[data-live-symbol]').textContent"));
        Assert.Equal(Keys.Alpha, await page.Page.EvaluateAsync<string>("() => localStorage.getItem('flowfunctions.apiKey')"));

        // Each view shows the API's own numbers for the same moment.
        using var api = site.App.ClientWithKey(Keys.Alpha);
        var summary = await api.GetFromJsonAsync<JsonElement>("/v1/flow/summary/QQQ");
        Assert.Equal(Money(summary.GetProperty("live_gex").GetDouble()), await page.TextAsync("#summary [data-field=live_gex]"));
        Assert.Equal(Money(summary.GetProperty("dealer_gex").GetProperty("p50").GetDouble()), await page.TextAsync("#summary [data-field=dealer_gex]"));
        var net = summary.GetProperty("signed_flow").GetProperty("expected_net_contracts").GetInt64();
        Assert.Equal($"{(net > 0 ? "+" : net < 0 ? "−" : "")}{Math.Abs(net).ToString("N0", CultureInfo.InvariantCulture)}", await page.TextAsync("#summary [data-field=signed_flow]"));
        Assert.Contains($"sign certainty {summary.GetProperty("signed_flow").GetProperty("sign_certainty").GetDouble().ToString("F2", CultureInfo.InvariantCulture)}", await page.TextAsync("#summary"), StringComparison.Ordinal);
        Assert.Equal(summary.GetProperty("underlying_price").GetDouble().ToString("N2", CultureInfo.InvariantCulture), await page.TextAsync("#summary [data-field=underlying_price]"));
        var shift = summary.GetProperty("flow_gex_pct_shift").GetDouble();
        Assert.Equal($"{(shift > 0 ? "+" : shift < 0 ? "−" : "")}{Math.Abs(shift) * 100:F1}%", await page.TextAsync("#summary [data-field=flow_gex_pct_shift]"));

        var anomaly = await api.GetFromJsonAsync<JsonElement>("/v1/strategies/flow-anomaly/QQQ");
        Assert.Equal(anomaly.GetProperty("score").GetInt32().ToString(CultureInfo.InvariantCulture), await page.TextAsync("#anomaly [data-field=score]"));
        var structures = anomaly.GetProperty("best_structures");
        Assert.Equal(structures.GetArrayLength() > 0 ? 2 : 0, await page.Page.Locator("#anomaly [data-leg]").CountAsync());
        if (structures.GetArrayLength() > 0)
        {
            Assert.Equal(structures[0].GetProperty("max_loss").GetDouble().ToString("N2", CultureInfo.InvariantCulture), await page.TextAsync("#anomaly [data-field=max_loss]"));
        }

        var cumulative = await api.GetFromJsonAsync<JsonElement>("/v1/flow/options/QQQ/cumulative?minutes=390");
        var points = cumulative.GetProperty("points");
        Assert.True(points.GetArrayLength() > 100, $"only {points.GetArrayLength()} minutes of QQQ flow");
        Assert.Equal(points.GetArrayLength().ToString(CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#cumulative", "data-points"));
        Assert.Equal(points[points.GetArrayLength() - 1].GetProperty("cumulative").GetInt64().ToString(CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#cumulative", "data-last"));
        Assert.Equal(1, await page.Page.Locator("#cumulative canvas").CountAsync());

        var strikes = await api.GetFromJsonAsync<JsonElement>("/v1/flow/zero-dte/strike-flow/QQQ?bar=1m&minutes=60");
        var cells = strikes.GetProperty("bars").EnumerateArray().Sum(b => b.GetProperty("contracts").EnumerateArray().Count(c => c.GetInt64() > 0));
        Assert.True(cells > 50, $"only {cells} 0DTE cells with flow");
        Assert.Equal(cells.ToString(CultureInfo.InvariantCulture), await page.Page.GetAttributeAsync("#strikes", "data-bubbles"));

        var board = await api.GetFromJsonAsync<JsonElement>("/v1/flow/options/leaderboard?n=10&windowMinutes=60");
        var buyers = board.GetProperty("buyers").EnumerateArray().Select(r => r.GetProperty("symbol").GetString()!).ToArray();
        var sellers = board.GetProperty("sellers").EnumerateArray().Select(r => r.GetProperty("symbol").GetString()!).ToArray();
        string[] tableOrder = [.. buyers, .. sellers];
        string[] barOrder = [.. buyers, .. Enumerable.Reverse(sellers)]; // the largest sale at the bottom
        Assert.Equal(tableOrder, await page.Page.Locator("#leaderboard table.board tbody tr[data-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)"));
        Assert.Equal(barOrder, await page.Page.Locator("#leaderboard [data-symbol-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.symbolRow)"));
        Assert.Equal("+" + Money(board.GetProperty("buyers")[0].GetProperty("netNotional").GetDouble()), await page.TextAsync($"#leaderboard tr[data-row={buyers[0]}] td:nth-child(2)"));

        await page.ScreenshotAsync(Path.Combine(Artifacts, "dashboard-dark.png"));

        // Another symbol from the leaderboard: the symbol's views follow it.
        await page.Page.ClickAsync($"#leaderboard tr[data-row={sellers[0]}]");
        await page.Page.WaitForFunctionAsync($"() => document.querySelector('#summary .sym').textContent === '{sellers[0]}' && document.querySelector('#summary').dataset.state === 'ready'");
        Assert.Equal(sellers[0], await page.Page.InputValueAsync("#symbol"));

        // Light, and a laptop screen: nothing wider than the window.
        await page.Page.ClickAsync("#theme");
        await page.Page.SetViewportSizeAsync(1280, 800);
        await page.WaitForViewsAsync("summary", "anomaly", "cumulative", "leaderboard");
        Assert.Equal("light", await page.Page.GetAttributeAsync("html", "data-theme"));
        // The charts follow the new width through a ResizeObserver, which runs when the browser gets to it: wait for the
        // page to settle at the window's width, and name what sticks out if it never does.
        const string Fits = "() => document.documentElement.scrollWidth <= window.innerWidth";
        try
        {
            await page.Page.WaitForFunctionAsync(Fits, null, new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            var wider = await page.Page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 8)"
                + ".map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)");
            Assert.Fail($"the page scrolls sideways at 1280 px; past the window: {string.Join(", ", wider)}");
        }

        await page.ScreenshotAsync(Path.Combine(Artifacts, "dashboard-light-1280.png"));

        page.AssertNoConsoleErrors();
        page.AssertKeyOnlyInTheApiHeader(site.BaseUrl, Keys.Alpha);
        output.WriteLine($"{page.Sent.Count} requests; screenshots in {Artifacts}");
    }

    [Fact]
    public async Task KeysBelowAPlanAnUnknownKeyAndAnExhaustedQuotaEachSaySoClearly()
    {
        // Growth keys get 4 requests a day here, so that the quota runs out within the test.
        await using var site = await DashboardSite.StartAsync(new() { ["Plans:growth:DailyLimit"] = "4" });
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.OpenAsync(width: 1366, height: 900, ColorScheme.Light);
        await page.Page.GotoAsync($"{site.BaseUrl}/?symbol=SPY");

        // The Development key (from the app's config in Development) until the user gives one.
        await page.WaitForViewsAsync("summary", "leaderboard");
        await page.UseKeyAsync(Keys.Free);
        foreach (var view in new[] { "summary", "anomaly" })
        {
            await page.WaitForStateAsync(view, "locked");
            Assert.Contains("Needs the growth plan", await page.TextAsync($"#{view} .state-title"), StringComparison.Ordinal);
            Assert.Contains("free plan", await page.TextAsync($"#{view} .state-text"), StringComparison.Ordinal);
        }

        // Growth: the cards render (2 of its 4 requests), the alpha views say which plan they need.
        await page.UseKeyAsync(Keys.Growth);
        await page.WaitForViewsAsync("summary", "anomaly");
        foreach (var view in new[] { "cumulative", "strikes", "leaderboard" })
        {
            await page.WaitForStateAsync(view, "locked");
            Assert.Equal("Needs the alpha plan", await page.TextAsync($"#{view} .state-title"));
        }

        // The plan badge is read after the views, so it counts their two requests (on a slow machine a refresh in
        // between may have counted two more).
        await page.Page.WaitForFunctionAsync("() => document.getElementById('plan').textContent.includes('growth plan')");
        Assert.Matches(GrowthLeft(), await page.TextAsync("#plan"));
        await page.ScreenshotAsync(Path.Combine(Artifacts, "dashboard-growth-key.png"));

        // Spend what is left of the quota outside the page, whatever refreshes took meanwhile; then the page's next
        // answer is 429, and the page says when it will try again.
        using (var http = new HttpClient { BaseAddress = new Uri(site.BaseUrl) })
        {
            for (var i = 0; i < 4; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/flow/summary/SPY");
                request.Headers.Add("X-Api-Key", Keys.Growth);
                using var response = await http.SendAsync(request);
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    break;
                }
            }
        }

        await page.Page.SelectOptionAsync("#symbol", "NVDA");
        await page.WaitForStateAsync("summary", "locked");
        Assert.Equal("Rate limited", await page.TextAsync("#summary .state-title"));
        Assert.Matches(RetryAt(), await page.TextAsync("#banner"));
        await page.WaitForStatusAsync("Rate limited · resumes in ");

        // An unknown key.
        await page.UseKeyAsync("not-a-real-key");
        await page.WaitForStateAsync("summary", "locked");
        Assert.Equal("Key not accepted", await page.TextAsync("#summary .state-title"));
        await page.WaitForStatusAsync("Key not accepted"); // set with the banner, once the account answer is in
        Assert.Contains("not accepted", await page.TextAsync("#banner"), StringComparison.Ordinal);
        Assert.True(await page.Page.IsHiddenAsync("#strikes [data-legend]"), "the bubble legend shows without a chart");
        await page.ScreenshotAsync(Path.Combine(Artifacts, "dashboard-unknown-key.png"));

        // The browser reports the 401/403/429 answers themselves as failed loads; nothing else may appear.
        page.AssertNoConsoleErrors(allowedStatuses: [401, 403, 429]);
        page.AssertKeyOnlyInTheApiHeader(site.BaseUrl, Keys.Free, Keys.Growth, "not-a-real-key", Keys.Alpha);
    }

    [Fact]
    public async Task ThePageRefreshesWhenTheLeaderboardSnapshotTurnsOverAndNotBefore()
    {
        await using var site = await DashboardSite.StartAsync();
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.OpenAsync(width: 1440, height: 1000, ColorScheme.Dark);

        // The browser's timers under the test's hand: nothing fires unless the test runs the clock.
        var start = DateTime.UtcNow;
        await page.Page.Clock.InstallAsync(new() { TimeDate = start });
        await page.Page.Clock.PauseAtAsync(start.AddSeconds(1));
        await page.Page.GotoAsync($"{site.BaseUrl}/?symbol=SPY");
        await page.WaitForRefreshesAsync(1); // the next refresh is scheduled
        Assert.Equal(1, page.Requests(Leaderboard));

        // A fresh snapshot (age 0) is answered for 30 s: the next refresh comes at 31 s, not before.
        await page.Page.Clock.RunForAsync(29_000);
        await Task.Delay(500);
        Assert.Equal(1, page.Requests(Leaderboard));

        // The server's clock moves 20 s on: the snapshot the next refresh sees is 20 s old, so the one after comes 11 s
        // later, when it turns over.
        site.App.Clock.Advance(TimeSpan.FromSeconds(20));
        await page.Page.Clock.RunForAsync(3_000);
        await page.WaitForRequestsAsync(Leaderboard, 2);
        await page.WaitForRefreshesAsync(2);
        await page.Page.Clock.RunForAsync(9_000);
        await Task.Delay(500);
        Assert.Equal(2, page.Requests(Leaderboard));
        await page.Page.Clock.RunForAsync(3_000);
        await page.WaitForRequestsAsync(Leaderboard, 3);
        page.AssertNoConsoleErrors();
    }

    private const string Leaderboard = "/v1/flow/options/leaderboard";

    private static string Money(double v)
    {
        var a = Math.Abs(v);
        var sign = v < 0 ? "−" : "";
        return a switch
        {
            >= 1e9 => $"{sign}${(a / 1e9).ToString("F2", CultureInfo.InvariantCulture)}B",
            >= 1e6 => $"{sign}${(a / 1e6).ToString("F1", CultureInfo.InvariantCulture)}M",
            >= 1e3 => $"{sign}${(a / 1e3).ToString("F0", CultureInfo.InvariantCulture)}K",
            _ => $"{sign}${a.ToString("F0", CultureInfo.InvariantCulture)}",
        };
    }

    [GeneratedRegex(@"[0-2] of 4 left today")]
    private static partial Regex GrowthLeft();

    [GeneratedRegex(@"Refreshing resumes at \d{1,2}:\d{2}:\d{2}")]
    private static partial Regex RetryAt();
}
