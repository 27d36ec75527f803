using System.Diagnostics;
using System.Net.Sockets;
using FlowFunctions.Functions.Storage.Azure;

namespace FlowFunctions.Functions.Tests.Support;

/// <summary>
/// Azurite for the tests: the one already listening on the standard ports (10000 blob, 10002 table), or one this
/// fixture starts in memory from <c>tools/azurite</c> and stops after (running <c>npm ci</c> there first when Azurite or
/// the JavaScript SDKs are missing).
/// Every test names its own tables and containers, so tests never see each other's data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    private Process? _azurite;

    public StorageAccount Account { get; } = StorageAccount.Parse(ConnectionString);

    /// <summary><c>tools/azurite</c>: Azurite and Microsoft's JavaScript storage SDKs, installed by <c>npm ci</c>.</summary>
    public static string ToolsDirectory => Path.Combine(RepositoryRoot(), "tools", "azurite");

    public async Task InitializeAsync()
    {
        var tools = ToolsDirectory;
        var entry = Path.Combine(tools, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry) || !Directory.Exists(Path.Combine(tools, "node_modules", "@azure", "data-tables")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund", tools, TimeSpan.FromMinutes(5));
        }

        if (await ListeningAsync(10000) && await ListeningAsync(10002))
        {
            return;
        }

        var info = new ProcessStartInfo("node", $"\"{entry}\" --silent --inMemoryPersistence --skipApiVersionCheck --loose --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _azurite = Process.Start(info)!;
        _azurite.OutputDataReceived += (_, _) => { };
        _azurite.ErrorDataReceived += (_, _) => { };
        _azurite.BeginOutputReadLine();
        _azurite.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(10000) && await ListeningAsync(10002)))
        {
            if (_azurite.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit code {(_azurite.HasExited ? _azurite.ExitCode : -1)}).");
            }

            await Task.Delay(200);
        }
    }

    public Task DisposeAsync()
    {
        if (_azurite is { HasExited: false })
        {
            _azurite.Kill(entireProcessTree: true);
            _azurite.WaitForExit(10_000);
        }

        _azurite?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A table or container name no other test uses (letters and digits, starting with a letter).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FlowFunctions.sln not found above the test binaries.");
    }

    private static async Task<bool> ListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string args, string directory, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
