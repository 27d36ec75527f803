using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The live stream (docs/api.md "Live flow stream"): 1,000 concurrent streams on one instance (the published app,
/// standalone, following the simulator's live 64-name tape) with the server's memory per stream and CPU; and the time
/// from ingest to event for a block print, standalone (memory store, in process) and in function-app mode (two
/// instances on Azurite: the trigger writes the journal, the other instance's stream reads it at its poll).
/// </summary>
public sealed class StreamSuite(Report report, Apps apps)
{
    private const int Streams = 1_000;
    private static readonly TimeSpan Follow = TimeSpan.FromSeconds(60);

    public async Task RunAsync()
    {
        var section = report.Section("Live stream");
        await ConcurrentStreamsAsync(section);
        await LatencyAsync(section);
    }

    private async Task ConcurrentStreamsAsync(System.Text.StringBuilder section)
    {
        Console.WriteLine($"Stream: {Streams:N0} concurrent streams on the published app (standalone, simulator on)...");
        await using var app = await HandlerProcess.StartAsync(apps.FunctionApp, "FlowFunctions", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Simulator__Enabled"] = "true",
            ["Plans__alpha__PerMinuteLimit"] = "0",
            ["Plans__alpha__MaxStreams"] = "5000",
        }, TimeSpan.FromMilliseconds(50), underHost: false);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!app.Output.Contains("streaming live", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The simulator did not backfill within 2 minutes:\n" + app.Output);
            }

            await Task.Delay(200);
        }

        using var config = await app.Http.GetFromJsonAsync<System.Text.Json.JsonDocument>("/dashboard/config.json");
        var universe = config!.RootElement.GetProperty("universe").EnumerateArray().Select(e => e.GetString()!).ToArray();
        await Task.Delay(2_000);
        var (rssBefore, cpuBefore) = Sample(app.ProcessId);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = app.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("X-Api-Key", "dev-alpha");
        using var stop = new CancellationTokenSource();
        var random = new Random(1);
        long events = 0, bytes = 0;
        var readers = new List<Task>();
        for (var i = 0; i < Streams; i++)
        {
            var symbols = string.Join(',', universe.OrderBy(_ => random.Next()).Take(5));
            readers.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await client.GetAsync($"/v1/flow/stream?symbols={symbols}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    response.EnsureSuccessStatusCode();
                    using var body = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                    while (await body.ReadLineAsync(stop.Token) is { } line)
                    {
                        Interlocked.Add(ref bytes, line.Length + 1);
                        if (line.StartsWith("event:", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref events);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }));
        }

        await Task.Delay(5_000);
        var (rssOpen, cpuOpen) = Sample(app.ProcessId);
        var eventsAtStart = Interlocked.Read(ref events);
        var watch = Stopwatch.StartNew();
        await Task.Delay(Follow);
        var (rssAfter, cpuAfter) = Sample(app.ProcessId);
        var seconds = watch.Elapsed.TotalSeconds;
        var delivered = Interlocked.Read(ref events) - eventsAtStart;
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        // What an open stream holds: the resident memory with the streams open less before. The growth while following
        // is the garbage collector's working set under 13,000 events a second, reported beside it, not held per stream.
        var perStream = (rssOpen - rssBefore) / (double)Streams;
        var cores = (cpuAfter - cpuOpen) / seconds;
        report.Add(new Figure("Memory per open stream (1,000 streams)", $"{perStream / 1024:F1} KiB", "-", null, Goal.AtMost, 64, "≤ 64 KiB", perStream / 1024));
        report.Add(new Figure("Server CPU following 1,000 streams", $"{cores * 100:F0} % of a core", "-", null, Goal.AtMost, 1.0, "≤ 1 core", cores));
        section.AppendLine($"{Streams:N0} streams of 5 random symbols each (of {universe.Length}) on the published app, standalone, following the simulator's live tape for {seconds:F0} s. "
            + $"The server's resident memory: {Fmt.Mb(rssBefore)} before, {Fmt.Mb(rssOpen)} with the streams open, {Fmt.Mb(rssAfter)} after following; "
            + $"{perStream / 1024:F1} KiB per stream. Its CPU while following: {cores * 100:F0} % of one core (opening them: {(cpuOpen - cpuBefore) * 100 / 5:F0} %). "
            + $"The clients received {delivered:N0} events ({delivered / seconds:N0} a second, {Interlocked.Read(ref bytes) / 1e6:F1} MB in all) in that time.");
        section.AppendLine();
    }

    private async Task LatencyAsync(System.Text.StringBuilder section)
    {
        Console.WriteLine("Stream: ingest to event latency, standalone and function app...");

        // The app in process (WebApplicationFactory) finds its content root here when not run from a test project.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FLOWFUNCTIONS", Path.Combine(AzuriteProcess.RepositoryRoot(), "src", "Functions"));
        var standalone = await MeasureStandaloneAsync(200, Probe.Block);
        var standalonePreviews = await MeasureStandaloneAsync(100, Probe.Preview);
        await using var azurite = await AzuriteProcess.StartAsync();
        var functionApp = await MeasureFunctionAppAsync(azurite, 60, Probe.Block);
        var functionAppPreviews = await MeasureFunctionAppAsync(azurite, 60, Probe.Preview);
        foreach (var (what, mode, samples, limit) in new[]
        {
            ("block event", "standalone", standalone, 50.0),
            ("block event", "function app", functionApp, 2_500.0),
            ("current minute's preview", "standalone", standalonePreviews, 1_500.0),
            ("current minute's preview", "function app", functionAppPreviews, 1_500.0),
        })
        {
            samples.Sort();
            var p50 = Fmt.Percentile(samples, 0.5);
            var p99 = Fmt.Percentile(samples, 0.99);
            report.Add(new Figure($"Ingest to {what}, {mode} (p99)", $"{Fmt.Ms(p99)} ms", "-", null, Goal.AtMost, limit, $"≤ {limit:N0} ms", p99));
            section.AppendLine($"* {what}, {mode}: {samples.Count} prints, ingest to the event on an open stream: p50 {Fmt.Ms(p50)} ms, p99 {Fmt.Ms(p99)} ms.");
        }

        section.AppendLine();
        section.AppendLine("Standalone, a batch's blocks reach the streams as the batch is journaled (the journal wakes the hub at once). In function-app mode "
            + "the streaming instance finds other instances' pages at its poll (`Stream:PollMilliseconds`, 1,000 ms), so the wait is the poll's phase plus a table read. "
            + "A preview of the current minute waits for the hub's next poll in both modes (it reads the open minutes' tallies then), so its latency is the poll's phase plus the window read. "
            + "A minute's final event follows its end by `Stream:CloseGraceSeconds` (5 s) plus up to one poll.");
    }

    /// <summary>What a measured print is waited for as: its block event, or the preview of its minute that counts it.</summary>
    private enum Probe
    {
        Block,
        Preview,
    }

    private static async Task<List<double>> MeasureStandaloneAsync(int count, Probe probe)
    {
        await using var app = new FlowApiFactory();
        return await MeasureAsync(app, app, count, probe, async (i, trade) =>
        {
            await app.IngestAsync([trade]);
        });
    }

    private static async Task<List<double>> MeasureFunctionAppAsync(AzuriteProcess azurite, int count, Probe probe)
    {
        var settings = FlowApiFactory.AzureSettings(new AzuriteAccount(azurite.BlobPort, azurite.TablePort), "lat" + Guid.NewGuid().ToString("N")[..6], functionApp: true);
        settings["Storage:CheckServiceLimits"] = "false";
        await using var ingesting = new FlowApiFactory(settings);
        await using var streaming = new FlowApiFactory(settings);
        using var host = ingesting.CreateClient();
        return await MeasureAsync(ingesting, streaming, count, probe, async (i, trade) =>
        {
            var body = HostPayloads.EventHub([System.Text.Json.JsonSerializer.Serialize(trade)], 10_000 + i, "0");
            using var response = await host.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));
            response.EnsureSuccessStatusCode();
        });
    }

    /// <summary>
    /// Opens a stream on <paramref name="reading"/>, ingests one print at a time through <paramref name="ingest"/>, and
    /// times each to its event: a block print to its block event; a print of the current minute to the first preview
    /// of that minute that counts it (its <c>tradeCount</c>).
    /// </summary>
    private static async Task<List<double>> MeasureAsync(FlowApiFactory writing, FlowApiFactory reading, int count, Probe probe, Func<int, object, Task> ingest)
    {
        var now = writing.Clock.Now;
        reading.Clock.Set(now);
        var expiry = NewYorkTime.TradingDate(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var client = reading.ClientWithKey(Keys.Alpha);
        var symbol = probe == Probe.Block ? "SPY" : "QQQ";
        using var response = await client.GetAsync($"/v1/flow/stream?symbols={symbol}&events={(probe == Probe.Block ? "block" : "minute")}", HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"stream: {response.StatusCode}");
        }

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        while ((await reader.ReadAsync())!.Event != "ready")
        {
        }

        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var trade = probe == Probe.Block
                ? TestEvents.Trade(now.AddSeconds(-30).AddMilliseconds(i), "SPY", expiry, 585, "C", 2.5, 5_000 + i, side: "buy")
                : TestEvents.Trade(now.AddMilliseconds(i), "QQQ", expiry, 500, "C", 1.5, 10, side: "buy");
            var watch = Stopwatch.StartNew();
            await ingest(i, trade);
            SseEvent? e;
            do
            {
                e = await reader.ReadAsync();
            }
            while (e is not null && !(probe == Probe.Block
                ? e.Event == "block" && e.Data.Contains($"\"size\":{5_000 + i},", StringComparison.Ordinal)
                : e.Event == "minute" && e.Data.Contains("\"final\":false", StringComparison.Ordinal) && e.Data.Contains($"\"tradeCount\":{i + 1},", StringComparison.Ordinal)));
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        return samples;
    }

    /// <summary>A process's resident memory (bytes) and CPU time so far (seconds), from /proc.</summary>
    private static (long Rss, double CpuSeconds) Sample(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var rss = long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return (rss, ticks / 100.0);
    }
}
