using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The app as a newcomer starts it: its own process, Development environment, simulator on, a real port. The banner
/// names the dashboard and the keys, every endpoint has live data within seconds, and the seed pages' example clients
/// (curl, Python requests, JavaScript fetch) work with only the base URL and the key placeholder replaced.
/// </summary>
public sealed partial class StandaloneProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string SeedBase = "https://lab.flashalpha.com";
    private readonly StringBuilder _stdout = new();
    private Process? _app;

    public void Dispose()
    {
        if (_app is { HasExited: false })
        {
            _app.Kill(entireProcessTree: true);
            _app.WaitForExit(10_000);
        }

        _app?.Dispose();
    }

    [Fact]
    public async Task TheRunCommandServesLiveDataOnEveryEndpointAndTheSeedClientsWork()
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var started = Stopwatch.StartNew();
        _app = Start("dotnet", $"FlowFunctions.dll --urls {baseUrl}", AppContext.BaseDirectory, ("ASPNETCORE_ENVIRONMENT", "Development"));
        _app.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        _app.ErrorDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", Keys.Alpha);
        string[] urls =
        [
            "/v1/strategies/flow-anomaly/SPY",
            "/v1/flow/summary/SPY",
            "/v1/flow/options/SPY/cumulative",
            "/v1/flow/zero-dte/strike-flow/SPY",
            "/v1/flow/options/leaderboard",
        ];
        var pending = new HashSet<string>(urls);
        var deadline = DateTime.UtcNow.AddSeconds(90); // a bound for a broken start, not the measurement
        while (pending.Count > 0 && DateTime.UtcNow < deadline && !_app.HasExited)
        {
            foreach (var url in pending.ToArray())
            {
                try
                {
                    using var response = await http.GetAsync(url);
                    if (response.StatusCode == HttpStatusCode.OK && HasData(await response.Content.ReadFromJsonAsync<JsonElement>()))
                    {
                        pending.Remove(url);
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(100);
        }

        output.WriteLine($"All five endpoints had data {started.Elapsed.TotalSeconds:F1} s after the process started.");
        Assert.True(pending.Count == 0, $"no data yet on {string.Join(", ", pending)}; output:\n{Output()}");

        var banner = Output();
        Assert.Contains($"Dashboard   {baseUrl}/", banner, StringComparison.Ordinal);
        Assert.All(Keys.All, k => Assert.Contains(k, banner, StringComparison.Ordinal));

        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "SeedClients", "curl.txt")))
        {
            var args = Localize(line, baseUrl)["curl ".Length..].Replace("\"", string.Empty, StringComparison.Ordinal).Replace("-H X-Api-Key: ", "-H X-Api-Key:", StringComparison.Ordinal);
            var (code, text) = await RunAsync("curl", "-s -f " + args);
            Assert.True(code == 0, $"{line}: exit {code}");
            Assert.StartsWith("{", text, StringComparison.Ordinal);
        }

        var expectations = new Dictionary<string, Regex>
        {
            ["flow_anomaly"] = AnomalyLine(),
            ["flow_summary"] = SummaryLines(),
            ["cumulative"] = CumulativeLine(),
            ["strike_flow"] = StrikesLine(),
            ["leaderboard"] = TopBuyerLine(),
        };
        foreach (var (name, expected) in expectations)
        {
            foreach (var (runner, extension) in new[] { ("python3", ".py"), ("node", ".mjs") })
            {
                var script = Path.Combine(Path.GetTempPath(), $"flowfunctions-{Guid.NewGuid():N}{extension}");
                var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "SeedClients", name + extension));
                await File.WriteAllTextAsync(script, Localize(source, baseUrl));
                try
                {
                    var (code, text) = await RunAsync(runner, script);
                    output.WriteLine($"{name}{extension}: {text.Trim()}");
                    Assert.True(code == 0, $"{name}{extension} exited {code}: {text}");
                    Assert.Matches(expected, text.Replace("\r", string.Empty, StringComparison.Ordinal));
                }
                finally
                {
                    File.Delete(script);
                }
            }
        }
    }

    private static string Localize(string source, string baseUrl) =>
        source.Replace(SeedBase, baseUrl, StringComparison.Ordinal).Replace("YOUR_API_KEY", Keys.Alpha, StringComparison.Ordinal);

    private static bool HasData(JsonElement body) =>
        (body.TryGetProperty("count", out var c) && c.GetInt32() > 0)
        || (body.TryGetProperty("bars", out var b) && b.GetArrayLength() > 0)
        || (body.TryGetProperty("contracts_with_flow", out var f) && f.GetInt32() > 0)
        || (body.TryGetProperty("metrics", out var m) && m.GetProperty("total_volume").GetInt64() > 0)
        || (body.TryGetProperty("buyers", out var buyers) && buyers.GetArrayLength() > 0);

    private static Process Start(string file, string args, string directory, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string args)
    {
        using var process = Start(file, args, Path.GetTempPath());
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Output()
    {
        lock (_stdout)
        {
            return _stdout.ToString();
        }
    }

    [GeneratedRegex(@"^(candidate|no_setup|insufficient_data) \(score \d+, regime (bullish_flow_imbalance|bearish_flow_imbalance|neutral_flow)\)\n$")]
    private static partial Regex AnomalyLine();

    [GeneratedRegex(@"^Flow direction: (no_flow|amplifying|dampening|regime_flip|neutral)\nLive GEX: \$-?[\d,]+\n$")]
    private static partial Regex SummaryLines();

    [GeneratedRegex(@"^Cumulative net: -?[\d,]+\n$")]
    private static partial Regex CumulativeLine();

    [GeneratedRegex(@"^\[\s*\d")]
    private static partial Regex StrikesLine();

    [GeneratedRegex(@"^Top buyer: [A-Z0-9._-]+\n$")]
    private static partial Regex TopBuyerLine();
}
