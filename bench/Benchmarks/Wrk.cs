using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowFunctions.Benchmarks;

/// <summary>What one wrk run measured: requests per second, latency percentiles, and anything that was not a 2xx.</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors, long ResponseBytes)
{
    public bool Clean => Non2xx == 0 && SocketErrors == 0;
}

/// <summary>
/// The GET load generator: <c>wrk</c> (Debian package <c>wrk</c>), on loopback, bounded duration, two threads (one per
/// core), <c>--latency</c> for the percentiles. Closed loop: each connection sends its next request when the last
/// answer arrives, so at saturation latency ≈ connections / throughput.
/// </summary>
public static partial class Wrk
{
    public static bool Available() => FindOnPath("wrk") is not null;

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public static async Task<WrkResult> RunAsync(string url, int connections, TimeSpan duration, string? apiKey = null)
    {
        var args = new List<string> { "-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)duration.TotalSeconds}s", "--latency", "--timeout", "10s" };
        if (apiKey is not null)
        {
            args.AddRange(["-H", "X-Api-Key: " + apiKey]);
        }

        args.Add(url);
        var info = new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var wrk = Process.Start(info)!;
        var stdout = wrk.StandardOutput.ReadToEndAsync();
        var stderr = wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var text = await stdout;
        if (wrk.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {text}{await stderr}");
        }

        return Parse(text);
    }

    public static WrkResult Parse(string text)
    {
        var rps = double.Parse(RequestsPerSec().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(RequestsTotal().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var bytes = ParseBytes(RequestsTotal().Match(text).Groups[2].Value);
        var non2xx = NonSuccess().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        long socket = 0;
        if (SocketErrorsLine().Match(text) is { Success: true } s)
        {
            for (var g = 1; g <= 4; g++)
            {
                socket += long.Parse(s.Groups[g].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(rps, Percentile(text, "50%"), Percentile(text, "99%"), requests, non2xx, socket, bytes);
    }

    private static double Percentile(string text, string label)
    {
        var m = Regex.Match(text, @"^\s*" + Regex.Escape(label) + @"\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => v / 1000,
            "ms" => v,
            "s" => v * 1000,
            _ => v * 60_000,
        };
    }

    private static long ParseBytes(string text)
    {
        var m = Regex.Match(text, @"([\d.]+)([KMGT]?B)");
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var scale = m.Groups[2].Value switch { "KB" => 1L << 10, "MB" => 1L << 20, "GB" => 1L << 30, "TB" => 1L << 40, _ => 1L };
        return (long)(v * scale);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSec();

    [GeneratedRegex(@"(\d+) requests in [\d.]+\w+, ([\d.]+[KMGT]?B) read")]
    private static partial Regex RequestsTotal();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
