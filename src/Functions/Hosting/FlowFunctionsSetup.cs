using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Archive;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Dashboard;
using FlowFunctions.Functions.Docs;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Functions.Mcp;
using FlowFunctions.Functions.Simulation;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Archive;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Composition of the app: configuration sections, the store for <c>Storage:Mode</c>, auth, the ingest pipeline, the
/// leaderboard snapshots, and the standalone-only timer and simulator feed; then the routes.
/// </summary>
public static partial class FlowFunctionsSetup
{
    public const string DefaultUrl = "http://localhost:7071";

    public static WebApplicationBuilder AddFlowFunctions(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        // Under the Functions host: loopback only, on the port the host chose (it forwards every request there).
        var hostPort = config[AppMode.CustomHandlerPortVariable];
        builder.WebHost.UseUrls(string.IsNullOrEmpty(hostPort) ? config["urls"] ?? DefaultUrl : $"http://127.0.0.1:{hostPort}");
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

        // Request-start lines of the hosting layer include the query string, where an apiKey may be.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // Under the host, standard output becomes log lines of category Host.Function.Console at Information (host.json
        // lets them through), whatever their level here: only warnings and errors go there; the rest is telemetry.
        if (!string.IsNullOrEmpty(hostPort))
        {
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);
        }

        builder.AddFlowTelemetry();

        services.Configure<PlansOptions>(config.GetSection(PlansOptions.Section));
        services.Configure<AuthOptions>(config.GetSection(AuthOptions.Section));
        services.Configure<SimulatorFeedOptions>(config.GetSection(SimulatorFeedOptions.Section));
        services.Configure<IngestOptions>(config.GetSection(IngestOptions.Section));
        services.Configure<SnapshotTimerOptions>(config.GetSection(SnapshotTimerOptions.Section));
        services.Configure<StreamOptions>(config.GetSection(StreamOptions.Section));
        services.Configure<ArchiveOptions>(config.GetSection(ArchiveOptions.SectionName));

        // Read when services resolve, not here, so that settings layered on later (tests, hosts) apply.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var functionApp = !string.IsNullOrEmpty(configuration[AppMode.CustomHandlerPortVariable]);
            return new AppMode(functionApp ? HostingMode.FunctionApp : HostingMode.Standalone, StorageSetup.Mode(configuration, functionApp));
        });
        services.AddSingleton(sp =>
        {
            var greeks = sp.GetRequiredService<IConfiguration>().GetSection("Greeks");
            return new PricingParameters(
                greeks.GetValue("RiskFreeRate", PricingParameters.Default.RiskFreeRate),
                greeks.GetValue("DividendYield", PricingParameters.Default.DividendYield));
        });
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var simulator = sp.GetRequiredService<IOptions<SimulatorFeedOptions>>().Value;
            return simulator.Enabled && simulator.ReplayWhenClosed ? MarketClock.ForSimulator(time) : MarketClock.Live(time);
        });

        services.AddFlowStores();

        services.AddSingleton(sp => new ApiKeyHasher(KeyHashSecret(sp)));
        services.AddSingleton<ApiKeyGate>();
        services.AddSingleton<EndpointCatalog>();
        services.AddFlowMcp();
        services.AddSingleton(sp =>
        {
            // This instance's own writes make cached answers stale at once (ResponseCache).
            var cache = new ResponseCache(sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<IngestPipeline>().Committed += cache.Invalidate;
            sp.GetRequiredService<LeaderboardSnapshots>().Rebuilt += cache.Invalidate;
            return cache;
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StreamOptions>>().Value.Blocks);
        services.AddSingleton<IngestPipeline>();
        // The standalone simulator backfills the session first; the minute closer waits for it (Streaming/FeedStatus.cs).
        services.AddSingleton(sp => new FeedStatus(sp.GetRequiredService<AppMode>().IsStandalone && sp.GetRequiredService<IOptions<SimulatorFeedOptions>>().Value.Enabled));
        services.AddSingleton<MinuteCloser>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<StreamKeyWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamKeyWatch>());
        services.AddSingleton<StreamHub>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamHub>());
        services.AddSingleton<LeaderboardSnapshots>();
        services.AddSingleton<EventHubIngest>();
        services.AddSingleton<Triggers.DeliveryFailures>();
        services.AddSingleton(sp => new ArchiveJob(
            sp.GetRequiredService<IFlowStore>(),
            ArchiveSink(sp),
            sp.GetRequiredService<MarketClock>(),
            sp.GetRequiredService<ILogger<ArchiveJob>>()));
        services.AddSingleton<SnapshotJob>();

        services.AddHostedService<DevelopmentKeys>();
        services.AddHostedService<SnapshotTimer>();
        services.AddHostedService<SimulatorFeed>();

        services.AddHostedService<StartupBanner>();
        return builder;
    }

    /// <summary>
    /// The routes, each an entry of <see cref="Endpoints"/>: the service routes and the <c>/v1</c> API in both modes; the
    /// ingest endpoint standalone only (under the host events come through Event Hubs); the trigger invocations
    /// (<c>POST /{FunctionName}</c>) under the host only.
    /// </summary>
    public static WebApplication MapFlowFunctions(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<AppMode>();
        app.UseSecurityHeaders();
        app.UseApiErrors();
        app.MapServiceApi();
        app.MapDashboard();
        app.MapQueries()
            .MapFlowStreamApi()
            .MapAccountApi();
        app.MapFlowMcp();
        app.MapDocs();
        if (mode.IsStandalone)
        {
            app.MapIngestApi();
        }
        else
        {
            app.MapEventHubTrigger();
            app.MapTimerTrigger();
        }

        return app;
    }

    /// <summary>
    /// <c>Auth:KeyHashSecret</c>; without one (allowed only for the memory store) a random secret for this process,
    /// which is enough because the memory store forgets its keys on exit too. Stored keys must verify across restarts
    /// and instances, so the Azure store requires the setting.
    /// </summary>
    private static byte[] KeyHashSecret(IServiceProvider services)
    {
        var secret = services.GetRequiredService<IOptions<AuthOptions>>().Value.KeyHashSecret;
        if (!string.IsNullOrWhiteSpace(secret))
        {
            return Encoding.UTF8.GetBytes(secret);
        }

        if (services.GetRequiredService<AppMode>().Storage != StorageMode.Memory)
        {
            throw new InvalidOperationException("Auth:KeyHashSecret is required with Storage:Mode=azure: stored key hashes must verify across restarts and instances.");
        }

        LogRandomSecret(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FlowFunctionsSetup).FullName!));
        return RandomNumberGenerator.GetBytes(32);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:KeyHashSecret is not set; keys are hashed under a random secret for this process only")]
    private static partial void LogRandomSecret(ILogger logger);

    /// <summary>The day archive's sink (docs/storage.md "Day archive"): the account's <c>archive</c> container on Azure, <c>Archive:Directory</c> standalone, or none.</summary>
    private static IArchiveSink? ArchiveSink(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ArchiveOptions>>().Value;
        if (!options.Enabled)
        {
            return null;
        }

        if (services.GetRequiredService<AppMode>().Storage == StorageMode.Azure)
        {
            return new BlobArchiveSink(services.GetRequiredService<AzureStorage>().Container(BlobArchiveSink.ContainerName));
        }

        return string.IsNullOrWhiteSpace(options.Directory) ? null : new DirectoryArchiveSink(options.Directory);
    }
}
