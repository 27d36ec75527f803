using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The two published apps every HTTP figure compares: the function app (src/Functions) and the minimal endpoint
/// (bench/MinimalEndpoint), both published by build/HandlerPublish.props (self-contained linux-x64 ReadyToRun) into a
/// temporary folder, and started the way the Functions host starts a custom handler.
/// </summary>
public sealed class Apps : IAsyncDisposable
{
    /// <summary>The alpha key the function app is started with (seeded as a Development key).</summary>
    public const string AlphaKey = "bench-alpha-key-0000000001";

    /// <summary>The key-hashing secret every benchmark instance runs with.</summary>
    public const string Secret = "benchmark-only-key-hash-secret-000";

    private Apps(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string FunctionApp => Path.Combine(Root, "functionapp");

    public string Minimal => Path.Combine(Root, "minimal");

    public static async Task<Apps> PublishAsync()
    {
        var apps = new Apps(Path.Combine(Path.GetTempPath(), "flowfunctions-bench-" + Guid.NewGuid().ToString("N")[..8]));
        var repo = AzuriteProcess.RepositoryRoot();
        var artifacts = Path.Combine(apps.Root, "artifacts");
        Console.WriteLine("Publishing the function app and the minimal endpoint (Release, self-contained, ReadyToRun)...");
        await HandlerPublish.PublishAsync(Path.Combine(repo, "src", "Functions"), apps.FunctionApp, artifacts, TimeSpan.FromMinutes(5));
        await HandlerPublish.PublishAsync(Path.Combine(repo, "bench", "MinimalEndpoint"), apps.Minimal, artifacts, TimeSpan.FromMinutes(5));
        return apps;
    }

    /// <summary>
    /// The function app in function-app mode on the memory store or on Azurite (a fresh table and container prefix),
    /// with <see cref="AlphaKey"/> seeded, the simulator off and no per-minute burst limit (the load would hit it).
    /// </summary>
    public Task<HandlerProcess> StartFunctionAppAsync(bool azurite, TimeSpan? probeEvery = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Simulator__Enabled"] = "false",
            ["Plans__alpha__PerMinuteLimit"] = "0",
            ["Auth__KeyHashSecret"] = Secret,
            ["Auth__DevelopmentKeys__0__Key"] = AlphaKey,
            ["Auth__DevelopmentKeys__0__Plan"] = "alpha",
            ["Auth__DevelopmentKeys__0__Name"] = "benchmark",
            ["Storage__Mode"] = azurite ? "azure" : "memory",
        };
        if (azurite)
        {
            settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
            settings["Storage__NamePrefix"] = "bench" + Guid.NewGuid().ToString("N")[..6];
        }

        return HandlerProcess.StartAsync(FunctionApp, "FlowFunctions", settings, probeEvery ?? TimeSpan.FromMilliseconds(20));
    }

    /// <summary>The admin key of <see cref="StartStandaloneAsync"/>.</summary>
    public const string AdminKey = "bench-admin-key-0000000001";

    /// <summary>
    /// The function app as the standalone app (the only mode with <c>POST /v1/ingest/events</c>) on the memory store, with
    /// <see cref="AdminKey"/> seeded, the simulator off and request logging at warnings only.
    /// </summary>
    public Task<HandlerProcess> StartStandaloneAsync() =>
        HandlerProcess.StartAsync(FunctionApp, "FlowFunctions", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // where configured keys are seeded
            ["Simulator__Enabled"] = "false",
            ["Storage__Mode"] = "memory",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Auth__KeyHashSecret"] = Secret,
            ["Auth__DevelopmentKeys__0__Key"] = AdminKey,
            ["Auth__DevelopmentKeys__0__Plan"] = "alpha",
            ["Auth__DevelopmentKeys__0__Name"] = "benchmark admin",
            ["Auth__DevelopmentKeys__0__Admin"] = "true",
        }, TimeSpan.FromMilliseconds(20), underHost: false);

    /// <summary>The minimal endpoint, logging warnings only (its template default would log every request; ours does not).</summary>
    public Task<HandlerProcess> StartMinimalAsync(TimeSpan? probeEvery = null) =>
        HandlerProcess.StartAsync(Minimal, "MinimalEndpoint", new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }, probeEvery ?? TimeSpan.FromMilliseconds(20));

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temporary folder is left to the OS.
        }

        return ValueTask.CompletedTask;
    }
}
