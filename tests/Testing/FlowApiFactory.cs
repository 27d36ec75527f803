using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FlowFunctions.Testing;

/// <summary>
/// The standalone app in process on the memory store, in the Development environment (so the Development keys
/// exist), with the simulator off and the wall clock under the test's control. Settings can be layered per test.
/// </summary>
public sealed class FlowApiFactory : WebApplicationFactory<Program>
{
    /// <summary>Friday 2026-06-05, 14:45 New York: the seed pages' trading day, mid-session.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string?> _settings;

    public FlowApiFactory(IReadOnlyDictionary<string, string?>? settings = null, DateTimeOffset? now = null)
    {
        Clock = new ManualTimeProvider(now ?? DefaultNow);
        _settings = new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "false",
            ["Snapshots:IntervalSeconds"] = "3600",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }
    }

    /// <summary>Settings of the app on <paramref name="account"/> under <paramref name="prefix"/>; function-app mode when asked.</summary>
    public static Dictionary<string, string?> AzureSettings(AzuriteAccount account, string prefix, bool functionApp)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "azure",
            ["Storage:ConnectionString"] = account.ConnectionString,
            ["Storage:NamePrefix"] = prefix,
            ["Storage:CheckServiceLimits"] = "true",
        };
        if (functionApp)
        {
            settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7999";
        }

        return settings;
    }

    public ManualTimeProvider Clock { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>More services for the app, added after its own (set before the first client or server is made).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>
    /// Starts the app on Kestrel at a free loopback port (clients from <c>CreateClient</c> address it). The port is
    /// Kestrel's own endpoint rather than <c>UseKestrel(0)</c>: that one rewrites the server's addresses from the test's
    /// thread while the app's entry point may already be starting the server on its own, and then fails now and again
    /// with "Addresses cannot be modified after the server has started".
    /// </summary>
    public void StartOnLoopback()
    {
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        StartServer();
    }

    public HttpClient ClientWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Posts events (each serialized as one JSON object) to the ingest endpoint as an array, with the admin key.</summary>
    public Task<JsonElement> IngestAsync(IEnumerable<object> events, string? idempotencyKey = null) =>
        IngestAsync(JsonSerializer.SerializeToUtf8Bytes(events), idempotencyKey);

    /// <summary>Posts a body as it stands (a JSON array, an object or NDJSON, UTF-8) to the ingest endpoint with the admin key.</summary>
    public async Task<JsonElement> IngestAsync(byte[] payload, string? idempotencyKey = null)
    {
        using var client = ClientWithKey(Keys.Admin);
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (k, v) in _settings)
        {
            builder.UseSetting(k, v);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            ExtraServices?.Invoke(services);
        });
    }
}

/// <summary>The Development keys (appsettings.Development.json; README, "Run it").</summary>
public static class Keys
{
    public const string Free = "dev-free";
    public const string Basic = "dev-basic";
    public const string Growth = "dev-growth";
    public const string Alpha = "dev-alpha";
    public const string Admin = "dev-admin";

    public static IReadOnlyList<string> All { get; } = [Free, Basic, Growth, Alpha, Admin];

    public static string ForPlan(string plan) => plan switch
    {
        "free" => Free,
        "basic" => Basic,
        "growth" => Growth,
        _ => Alpha,
    };
}
