using System.Collections.Concurrent;
using FlowFunctions.Testing;
using Microsoft.Playwright;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>The app over Kestrel on a free port, simulator on, clock held mid-session; ready once the simulator has backfilled.</summary>
internal sealed class DashboardSite : IAsyncDisposable
{
    private DashboardSite(FlowApiFactory app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public FlowApiFactory App { get; }

    public string BaseUrl { get; }

    public static async Task<DashboardSite> StartAsync(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Simulator:Enabled"] = "true";
        var app = new FlowApiFactory(settings);
        app.StartOnLoopback();
        using var client = app.CreateClient();
        var baseUrl = client.BaseAddress!.ToString().TrimEnd('/');
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!app.Logs.Lines.Any(l => l.Contains("Simulator backfilled", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulator did not backfill within 90 s");
            await Task.Delay(200);
        }

        return new DashboardSite(app, baseUrl);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Debian's Chromium under Playwright (<c>CHROMIUM_PATH</c> overrides <c>/usr/bin/chromium</c>).</summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Debian's Chromium is not at {chromium}: `apt-get install chromium` (.ci/run installs it), or set CHROMIUM_PATH.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        return new DashboardBrowser(playwright, browser);
    }

    public async Task<DashboardPage> OpenAsync(int width, int height, ColorScheme scheme)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme, TimezoneId = "America/New_York" });
        return new DashboardPage(await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>One page of the dashboard, with every console message, page error and request it produced.</summary>
internal sealed class DashboardPage
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly ConcurrentQueue<string> _errors = new();

    public DashboardPage(IPage page)
    {
        Page = page;
        Page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                _errors.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => _errors.Enqueue($"page error: {e}");
        page.RequestFailed += (_, r) =>
        {
            // The live tape aborts its own stream when the symbol or key changes (web/live.js); nothing else may fail.
            if (!(r.Url.Contains("/v1/flow/stream?", StringComparison.Ordinal) && r.Failure == "net::ERR_ABORTED"))
            {
                _errors.Enqueue($"request failed: {r.Url} {r.Failure}");
            }
        };
        page.Request += (_, r) => Sent.Enqueue((r.Url, r.Headers.TryGetValue("x-api-key", out var key) ? key : null));
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                Failures.Enqueue((r.Url, r.Status));
            }
        };
    }

    public IPage Page { get; }

    public ConcurrentQueue<(string Url, string? Key)> Sent { get; } = new();

    /// <summary>How many requests the page has sent to <paramref name="path"/>.</summary>
    public int Requests(string path) => Sent.Count(r => new Uri(r.Url).AbsolutePath == path);

    public async Task WaitForRequestsAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (Requests(path) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Requests(path)} requests to {path}, expected {count}");
            await Task.Delay(100);
        }
    }

    public ConcurrentQueue<(string Url, int Status)> Failures { get; } = new();

    public Task<string> TextAsync(string selector) => Page.Locator(selector).First.InnerTextAsync();

    /// <summary>Until every named view shows data (its <c>data-state</c> is <c>ready</c>).</summary>
    public async Task WaitForViewsAsync(params string[] views)
    {
        foreach (var view in views)
        {
            await WaitForStateAsync(view, "ready");
        }
    }

    public Task WaitForStateAsync(string view, string state) =>
        Page.WaitForFunctionAsync($"() => document.getElementById('{view}').dataset.state === '{state}'");

    /// <summary>Until the page has finished <paramref name="count"/> refresh cycles (each schedules the next).</summary>
    public Task WaitForRefreshesAsync(int count) =>
        Page.WaitForFunctionAsync("count => Number(document.body.dataset.refreshes || 0) >= count", count);

    /// <summary>Until the status line in the top bar starts with <paramref name="text"/>.</summary>
    public Task WaitForStatusAsync(string text) =>
        Page.WaitForFunctionAsync("text => document.getElementById('status-text').textContent.startsWith(text)", text);

    public async Task UseKeyAsync(string key)
    {
        await Page.FillAsync("#api-key", key);
        await Page.ClickAsync("#key-form button[type=submit]");
    }

    public async Task ScreenshotAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)"); // the sticky top bar at the top of a full-page picture
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }

    /// <summary>No console error or warning, page error or failed request; answers of <paramref name="allowedStatuses"/> only.</summary>
    public void AssertNoConsoleErrors(params int[] allowedStatuses)
    {
        var unexpected = Failures.Where(f => !allowedStatuses.Contains(f.Status)).Select(f => $"{f.Status} {f.Url}").ToArray();
        Assert.True(unexpected.Length == 0, "unexpected answers: " + string.Join("; ", unexpected));
        var errors = _errors.Where(e => !allowedStatuses.Any(s => e.Contains($"status of {s}", StringComparison.Ordinal))).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors));
    }

    /// <summary>Every request went to the app; keys only in the X-Api-Key header of /v1 requests, never in a URL.</summary>
    public void AssertKeyOnlyInTheApiHeader(string baseUrl, params string[] keys)
    {
        Assert.NotEmpty(Sent);
        foreach (var (url, key) in Sent)
        {
            Assert.True(url.StartsWith(baseUrl + "/", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal), $"a request left the app: {url}");
            Assert.DoesNotContain(keys, k => url.Contains(k, StringComparison.Ordinal));
            var path = new Uri(url).AbsolutePath;
            if (key is not null)
            {
                Assert.True(path.StartsWith("/v1/", StringComparison.Ordinal), $"a key was sent to {path}");
            }
            else
            {
                Assert.False(path.StartsWith("/v1/", StringComparison.Ordinal), $"an API request without a key: {path}");
            }
        }
    }
}
