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

    /// <summary><c>tools/azurite</c>: Azurite and Microsoft's JavaScript storage SDKs, installed by <c>npm ci</c>.</summary>
    public static string ToolsDirectory => Path.Combine(RepositoryRoot(), "tools", "azurite");

    public static async Task<AzuriteProcess> StartAsync()
    {
        var tools = ToolsDirectory;
        var entry = Path.Combine(tools, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry) || !Directory.Exists(Path.Combine(tools, "node_modules", "@azure", "data-tables")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund", tools, TimeSpan.FromMinutes(5));
        }

        var azurite = new AzuriteProcess();
        if (await ListeningAsync(10000) && await ListeningAsync(10002))
        {
            return azurite;
        }

        var info = new ProcessStartInfo("node", $"\"{entry}\" --silent --inMemoryPersistence --skipApiVersionCheck --loose --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        azurite._azurite = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(10000) && await ListeningAsync(10002)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            }

            await Task.Delay(200);
        }

        return azurite;
    }

    public ValueTask DisposeAsync()
    {
        if (_azurite is { HasExited: false })
        {
            _azurite.Kill(entireProcessTree: true);
            _azurite.WaitForExit(10_000);
        }

        _azurite?.Dispose();
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
