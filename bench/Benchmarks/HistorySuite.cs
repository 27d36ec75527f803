using System.Diagnostics;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// Answers as of a past instant beside live ones (docs/api.md "History"), in the same run on the same app: the
/// standalone app in process on the memory store and on Azurite, a simulated 64-name day loaded, its clock after the close. Each read
/// is a cache miss: a live read moves the app's clock a second first (the shared answers last 500 ms), an <c>at</c>
/// read names an instant no read named before. p99 of each endpoint's reads, each side.
/// </summary>
public sealed class HistorySuite(Report report)
{
    private const int Reads = 400;
    private const int Warmup = 40;

    private static readonly DateTimeOffset Evening = new(2026, 6, 5, 21, 0, 0, TimeSpan.Zero);

    public async Task RunAsync()
    {
        // The app's content root, which the test host finds by the solution's layout in a test run.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FLOWFUNCTIONS", Path.Combine(AzuriteProcess.RepositoryRoot(), "src", "Functions"));
        var section = report.Section("History: answers as of a past instant");
        await RunAsync(section, "memory store", null);

        await using var azurite = await AzuriteProcess.StartAsync();
        var settings = FlowApiFactory.AzureSettings(new AzuriteAccount(azurite.BlobPort, azurite.TablePort), "hist" + Guid.NewGuid().ToString("N")[..8], functionApp: false);
        settings["Storage:CheckServiceLimits"] = "false";
        await RunAsync(section, "Azurite", settings);
    }

    private async Task RunAsync(System.Text.StringBuilder section, string store, Dictionary<string, string?>? settings)
    {
        Console.WriteLine($"History: at answers beside live ones ({store})...");
        var tape = SimulatedDays.Day(seed: 1, symbols: 64);
        await using var app = new FlowApiFactory(settings, now: Evening);
        foreach (var payload in SimulatedDays.Payloads(tape, 5_000))
        {
            await app.IngestAsync(payload);
        }

        using var client = app.ClientWithKey(Keys.Alpha);
        var symbols = tape.Trades.Select(t => t.Underlying).Distinct().Order(StringComparer.Ordinal).ToArray();
        var random = new Random(38);
        var rows = new List<IReadOnlyList<string>>();
        var worst = 0.0;
        foreach (var (name, url) in Endpoints())
        {
            var live = new List<double>();
            var past = new List<double>();
            for (var i = 0; i < Warmup + Reads; i++)
            {
                var symbol = symbols[random.Next(symbols.Length)];
                app.Clock.Advance(TimeSpan.FromSeconds(1));
                var liveMs = await TimeAsync(client, url(symbol));
                var at = SimulatedDays.Open.AddMilliseconds(random.NextInt64((long)TimeSpan.FromMinutes(390).TotalMilliseconds));
                var pastMs = await TimeAsync(client, $"{url(symbol)}{(url(symbol).Contains('?', StringComparison.Ordinal) ? '&' : '?')}at={Uri.EscapeDataString(at.ToString("O"))}");
                if (i >= Warmup)
                {
                    live.Add(liveMs);
                    past.Add(pastMs);
                }
            }

            live.Sort();
            past.Sort();
            var (liveP99, pastP99) = (Fmt.Percentile(live, 0.99), Fmt.Percentile(past, 0.99));
            worst = Math.Max(worst, pastP99 / liveP99);
            rows.Add([name, Fmt.Ms(Fmt.Percentile(live, 0.5)), Fmt.Ms(liveP99), Fmt.Ms(Fmt.Percentile(past, 0.5)), Fmt.Ms(pastP99), Fmt.F(pastP99 / liveP99, 2) + "x"]);
            report.Add(new Figure($"{name} with at, p99 ms ({store}, a random instant of a loaded 64-name day)", Fmt.Ms(pastP99), $"live p99 {Fmt.Ms(liveP99)} ms", pastP99 / liveP99, Goal.AtMost, 2.0, "≤ 2x"));
        }

        section.AppendLine($"The standalone app in process ({store}), the simulated Friday of 64 names ({tape.Trades.Count:N0} prints) loaded; {Reads} reads of each kind per endpoint after {Warmup} warm-up reads, a random symbol each, every read a cache miss. Worst ratio {Fmt.F(worst, 2)}x.").AppendLine();
        section.AppendLine(Report.Table(["endpoint", "live p50 ms", "live p99 ms", "at p50 ms", "at p99 ms", "at / live p99"], rows));
    }

    private static IEnumerable<(string Name, Func<string, string> Url)> Endpoints() =>
    [
        ("cumulative, 390 minutes", s => $"/v1/flow/options/{s}/cumulative?minutes=390"),
        ("strike-flow, 390 minutes", s => $"/v1/flow/zero-dte/strike-flow/{s}?minutes=390"),
        ("flow summary", s => $"/v1/flow/summary/{s}"),
        ("flow anomaly", s => $"/v1/strategies/flow-anomaly/{s}"),
        ("leaderboard, 60 minutes", _ => "/v1/flow/options/leaderboard?windowMinutes=60"),
    ];

    private static async Task<double> TimeAsync(HttpClient client, string url)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
