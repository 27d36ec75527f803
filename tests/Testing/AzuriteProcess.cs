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
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private Process? _azurite;
    private string? _arguments;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _said = new();

    /// <summary><c>tools/azurite</c>: Azurite and Microsoft's JavaScript storage SDKs, installed by <c>npm ci</c>.</summary>
    public static string ToolsDirectory => Path.Combine(RepositoryRoot(), "tools", "azurite");

    /// <summary>
    /// For the benchmarks (one process, connecting as <c>UseDevelopmentStorage=true</c>): the Azurite on the standard
    /// ports, started there when none is. Tests use <see cref="StartForTestAssemblyAsync"/>.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync()
    {
        var entry = await InstallAsync();
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
    /// The Azurite one test assembly shares: the one already listening on the standard ports (started outside the tests,
    /// by a developer or a CI step), else one of the assembly's own on free ports, stopped on dispose. Never one the
    /// assembly starts on the standard ports: <c>dotnet test</c> runs the test assemblies at once, and an assembly that
    /// found another's Azurite there lost it when that assembly finished and stopped it (a CI run failed 63 tests so).
    /// </summary>
    public static async Task<AzuriteProcess> StartForTestAssemblyAsync()
    {
        await InstallAsync();
        if (await ListeningAsync(10000) && await ListeningAsync(10002))
        {
            return new AzuriteProcess();
        }

        return await StartDedicatedAsync();
    }

    /// <summary>
    /// An Azurite of the caller's own (never the shared one) on free ports, in memory, so that a heavy test's data goes
    /// when the test disposes it instead of weighing on the shared Azurite for the rest of the run.
    /// </summary>
    public static async Task<AzuriteProcess> StartDedicatedAsync()
    {
        var entry = await InstallAsync();
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        const string persistence = "--inMemoryPersistence";
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
    /// Azurite's entry script, after <c>npm ci</c> in <c>tools/azurite</c> when it or the JavaScript SDKs are missing;
    /// one install at a time, as two test collections may ask at once on a fresh clone.
    /// </summary>
    public static async Task<string> InstallAsync()
    {
        var tools = ToolsDirectory;
        var entry = Path.Combine(tools, "node_modules", "azurite", "dist", "src", "azurite.js");
        await Installing.WaitAsync();
        try
        {
            if (!File.Exists(entry) || !Directory.Exists(Path.Combine(tools, "node_modules", "@azure", "data-tables")))
            {
                await RunAsync("npm", "ci --no-audit --no-fund", tools, TimeSpan.FromMinutes(5));
            }
        }
        finally
        {
            Installing.Release();
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
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(BlobPort) && await ListeningAsync(TablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit code {(process.HasExited ? process.ExitCode : -1)}); it said: {string.Join(" | ", _said)}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Keeps Azurite's last lines, for the error when it does not start.</summary>
    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _said.Enqueue(line);
        while (_said.Count > 20)
        {
            _said.TryDequeue(out _);
        }
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768 to 60999). A port from that range could be handed to some
    /// client's outgoing connection while a dedicated Azurite is stopped (the storage outage test), and its restart
    /// would then find the port taken: the restarted blob service never listened and the test waited for ever.
    /// </summary>
    private static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
            }
        }
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
