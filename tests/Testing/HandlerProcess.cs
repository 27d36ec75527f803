using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowFunctions.Testing;

/// <summary>
/// <c>dotnet publish</c> of a handler project into a folder, with the build output kept apart
/// (<c>--artifacts-path</c>) so the repository's own bin/obj are untouched. Shared source: compiled into the test and
/// benchmark projects.
/// </summary>
public static class HandlerPublish
{
    /// <summary>Publishes <paramref name="project"/> in Release into <paramref name="folder"/>; throws with the log on failure.</summary>
    public static async Task<string> PublishAsync(string project, string folder, string artifacts, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", folder, "--artifacts-path", artifacts, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await publish.WaitForExitAsync(cancel.Token);
        var log = await stdout + await stderr;
        return publish.ExitCode == 0 ? log : throw new InvalidOperationException($"dotnet publish {project} failed:\n{log}");
    }
}

/// <summary>
/// A published handler started the way the Functions host starts it: the executable (host.json's
/// <c>defaultExecutablePath</c>) in the app folder as working directory, with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (and
/// the host's other variables) set, or as the standalone app, and <c>GET /</c> probed until it answers 200. Killed on
/// dispose.
/// </summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly TimeSpan _probeEvery;
    private readonly StringBuilder _output = new();
    private Process _process = null!;

    private HandlerProcess(ProcessStartInfo start, int port, TimeSpan probeEvery)
    {
        _start = start;
        _probeEvery = probeEvery;
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

    /// <summary>The process id, for reading its memory.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The process's resident set (VmRSS) now, in bytes.</summary>
    public long WorkingSetBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public static Task<HandlerProcess> StartAsync(string appFolder, IReadOnlyDictionary<string, string> settings) =>
        StartAsync(appFolder, "FlowFunctions", settings, TimeSpan.FromMilliseconds(50));

    /// <summary>
    /// Starts <paramref name="executable"/> and probes <c>GET /</c> every <paramref name="probeEvery"/> until it
    /// answers; <see cref="StartedIn"/> is the time from exec to that first answer.
    /// </summary>
    /// <param name="underHost">
    /// True: as the Functions host starts it (function-app mode). False: the standalone app (no host variables, listening
    /// on the free port through <c>ASPNETCORE_URLS</c>), for what only the standalone app serves, such as the ingest endpoint.
    /// </param>
    public static async Task<HandlerProcess> StartAsync(string appFolder, string executable, IReadOnlyDictionary<string, string> settings, TimeSpan probeEvery, bool underHost = true)
    {
        var port = FreePort();
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(Path.Combine(appFolder, executable))
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        if (underHost)
        {
            info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = portText;
            info.Environment["FUNCTIONS_HTTPWORKER_PORT"] = portText;
            info.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString();
            info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "custom";
            info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        }
        else
        {
            info.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
            info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:" + portText;
        }

        foreach (var (k, v) in settings)
        {
            info.Environment[k] = v;
        }

        var handler = new HandlerProcess(info, port, probeEvery);
        await handler.LaunchAsync();
        return handler;
    }

    /// <summary>
    /// What the Functions host does when an invocation outlives <c>functionTimeout</c>
    /// (<c>WebScriptHostExceptionHandler.OnTimeoutExceptionAsync</c>, then the dispatcher's worker restart): the process
    /// is killed, with every invocation in flight on it, and the same executable is started again on the same port with
    /// the same variables. Returns once the new process answers <c>GET /</c>.
    /// </summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        Restarts++;
        await LaunchAsync();
    }

    /// <summary>How many times <see cref="RestartAsync"/> has run.</summary>
    public int Restarts { get; private set; }

    private async Task LaunchAsync()
    {
        var started = Stopwatch.StartNew();
        _process = Process.Start(_start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // The host's readiness probe: any HTTP answer on / means the worker is up.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("the handler exited during start-up:\n" + Output);
            }

            try
            {
                using var probe = await Http.GetAsync("/");
                StartedIn = started.Elapsed;
                if (probe.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET / answered {(int)probe.StatusCode}:\n" + Output);
                }

                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(_probeEvery);
            }
        }
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown, no flushing, requests in flight cut off.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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
