using System.Diagnostics;
using System.Net.Sockets;

namespace FlowFunctions.Testing;

/// <summary>
/// Azurite for tests and benchmarks: the one already listening on the standard ports (10000 blob, 10002 table), or one
/// started in memory from <c>tools/azurite</c> (after <c>npm ci</c> there when Azurite or the JavaScript SDKs are
/// missing) and stopped on dispose. Shared source: compiled into the test and benchmark projects.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private Process? _azurite;
    private string? _arguments;

    /// <summary><c>tools/azurite</c>: Azurite and Microsoft's JavaScript storage SDKs, installed by <c>npm ci</c>.</summary>
    public static string ToolsDirectory => Path.Combine(RepositoryRoot(), "tools", "azurite");

    public static async Task<AzuriteProcess> StartAsync()
    {
        var entry = await InstalledAsync();
        var azurite = new AzuriteProcess();
        if (await ListeningAsync(10000) && await ListeningAsync(10002))
        {
            return azurite;
        }

        azurite._arguments = $"\"{entry}\" --silent --inMemoryPersistence --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1";
        await azurite.LaunchAsync();
        return azurite;
    }

    /// <summary>
    /// An Azurite of the caller's own (never the shared one) on free ports. In memory, so that a heavy test's data goes
    /// when the test disposes it instead of weighing on the shared Azurite for the rest of the run; or keeping its data
    /// in <paramref name="location"/>, so that it can be stopped and started again with its data (a storage outage).
    /// </summary>
    public static async Task<AzuriteProcess> StartDedicatedAsync(string? location = null)
    {
        var entry = await InstalledAsync();
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var persistence = location is null ? "--inMemoryPersistence" : $"--location \"{location}\"";
        var azurite = new AzuriteProcess
        {
            BlobPort = blob,
            TablePort = table,
            _arguments = $"\"{entry}\" --silent {persistence} --blobHost 127.0.0.1 --blobPort {blob} "
                + $"--queueHost 127.0.0.1 --queuePort {queue} --tableHost 127.0.0.1 --tablePort {table}",
        };
        await azurite.LaunchAsync();
        return azurite;
    }

    /// <summary>The blob service's port (10000 for the shared Azurite).</summary>
    public int BlobPort { get; private init; } = 10000;

    /// <summary>The table service's port (10002 for the shared Azurite).</summary>
    public int TablePort { get; private init; } = 10002;

    /// <summary>
    /// Stops Azurite (a dedicated one: the shared one is not this object's to stop) and waits until its ports close.
    /// Stopped with SIGINT, as Ctrl+C would: Azurite's on-disk tables are saved on an interval and on shutdown, so a
    /// kill -9 would lose writes it had acknowledged, which Azure Storage never does.
    /// </summary>
    public async Task StopAsync()
    {
        if (_azurite is null)
        {
            throw new InvalidOperationException("This Azurite was already running; it is not this object's to stop.");
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill", $"-INT {_azurite.Id}") { UseShellExecute = false })!)
        {
            await signal.WaitForExitAsync();
        }

        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await _azurite.WaitForExitAsync(patience.Token);
        }

        _azurite.Dispose();
        _azurite = null;
        while (await ListeningAsync(BlobPort) || await ListeningAsync(TablePort))
        {
            await Task.Delay(100);
        }
    }

    /// <summary>Starts a stopped dedicated Azurite again, with the same ports and data location.</summary>
    public Task RestartAsync() => _arguments is null || _azurite is not null
        ? throw new InvalidOperationException("Only a stopped dedicated Azurite restarts.")
        : LaunchAsync();

    /// <summary>Azurite's entry script, after <c>npm ci</c> in <c>tools/azurite</c> when it or the JavaScript SDKs are missing.</summary>
    private static async Task<string> InstalledAsync()
    {
        var tools = ToolsDirectory;
        var entry = Path.Combine(tools, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry) || !Directory.Exists(Path.Combine(tools, "node_modules", "@azure", "data-tables")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund", tools, TimeSpan.FromMinutes(5));
        }

        return entry;
    }

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("node", _arguments!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        _azurite = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(BlobPort) && await ListeningAsync(TablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (_azurite is { HasExited: false })
        {
            _azurite.Kill(entireProcessTree: true);
            _azurite.WaitForExit(10_000);
        }

        _azurite?.Dispose();
        _azurite = null;
        return ValueTask.CompletedTask;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FlowFunctions.sln not found above the binaries.");
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
