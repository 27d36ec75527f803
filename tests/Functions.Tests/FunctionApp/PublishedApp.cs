using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowFunctions.Functions.Tests.Support;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// Publishes the function app once per test run, with the README's command, into a temporary folder (build output
/// kept apart with <c>--artifacts-path</c> so the repository's own bin/obj are untouched).
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flowfunctions-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public string Folder => Path.Combine(_root, "app");

    public string PublishLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var project = Path.Combine(AzuriteFixture.RepositoryRoot(), "src", "Functions");
        var info = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", Folder, "--artifacts-path", Path.Combine(_root, "artifacts"), "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await publish.WaitForExitAsync(timeout.Token);
        PublishLog = await stdout + await stderr;
        Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + PublishLog);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by an exiting process; the temp folder is cleaned by the OS.
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The published handler started the way the Functions host starts it: the executable from host.json in the app
/// folder, with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (and the host's other variables) set, and <c>GET /</c> probed until
/// it answers. Killed on dispose.
/// </summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HandlerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(100) };
    }

    public int Port { get; }

    /// <summary>A client for the handler's loopback port, as the host uses it.</summary>
    public HttpClient Http { get; }

    public TimeSpan StartedIn { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<HandlerProcess> StartAsync(string appFolder, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(Path.Combine(appFolder, "FlowFunctions"))
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["FUNCTIONS_HTTPWORKER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString();
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "custom";
        info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (k, v) in settings)
        {
            info.Environment[k] = v;
        }

        var started = Stopwatch.StartNew();
        var handler = new HandlerProcess(Process.Start(info)!, port);
        handler._process.OutputDataReceived += (_, e) => handler.Append(e.Data);
        handler._process.ErrorDataReceived += (_, e) => handler.Append(e.Data);
        handler._process.BeginOutputReadLine();
        handler._process.BeginErrorReadLine();

        // The host's readiness probe: any HTTP answer on / means the worker is up.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(handler._process.HasExited, "the handler exited during start-up:\n" + handler.Output);
            try
            {
                using var probe = await handler.Http.GetAsync("/");
                handler.StartedIn = started.Elapsed;
                Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
                return handler;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
