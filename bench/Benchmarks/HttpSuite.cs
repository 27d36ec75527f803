using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The figures measured over loopback HTTP against the published function app in function-app mode (started as the
/// host starts it), each beside the minimal endpoint in the same run: ingest through <c>POST /IngestEvents</c>, the
/// cached leaderboard, cumulative and strike-flow latency under load, ingest → visible, and the working set after the
/// day. First on the memory store, then on Azurite.
/// </summary>
public sealed class HttpSuite(Report report, Apps apps, BenchOptions options)
{
    private const int Partitions = 4;
    private const int BatchSize = 1_000;
    private const int Connections = 64;
    private const int VisibilityTrials = 20;

    private static readonly (string Name, string Path, string Cache)[] Reads =
    [
        ("cumulative, 240 minutes", "/v1/flow/options/SPY/cumulative?minutes=240", "cumulative-240"),
        ("cumulative, 10,080 minutes", "/v1/flow/options/SPY/cumulative?minutes=10080", "cumulative-10080"),
        ("strike-flow, 390 minutes", "/v1/flow/zero-dte/strike-flow/SPY?bar=1m&minutes=390", "strike-flow-390"),
    ];

    private readonly Dictionary<string, WrkResult> _minimalReads = [];

    public async Task RunAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var tape = SessionTape.EndingAt(now, 64);
        var deliveries = tape.Deliveries(BatchSize, Partitions);
        var bodies = deliveries.Select(p => (IReadOnlyList<(byte[], int)>)[.. p.Select(d => (d.Invocation(), d.Prints))]).ToArray();
        var section = report.Section("HTTP: ingest, reads under load, visibility, memory");
        section.AppendLine(Describe(tape, deliveries, now));

        await using var minimal = await apps.StartMinimalAsync();
        await RunStoreAsync(azurite: false, tape, bodies, minimal, section);
        await using (var azurite = await AzuriteProcess.StartAsync())
        {
            await RunStoreAsync(azurite: true, tape, bodies, minimal, section);
        }
    }

    /// <summary>Each partition's first half of batches, and the rest: the warm-up pass and the measured one.</summary>
    private static (IReadOnlyList<IReadOnlyList<(byte[] Body, int Prints)>> First, IReadOnlyList<IReadOnlyList<(byte[] Body, int Prints)>> Second) Halves(
        IReadOnlyList<IReadOnlyList<(byte[] Body, int Prints)>> partitions) =>
        ([.. partitions.Select(p => (IReadOnlyList<(byte[], int)>)[.. p.Take(p.Count / 2)])],
         [.. partitions.Select(p => (IReadOnlyList<(byte[], int)>)[.. p.Skip(p.Count / 2)])]);

    private async Task RunStoreAsync(bool azurite, SessionTape tape, IReadOnlyList<IReadOnlyList<(byte[] Body, int Prints)>> bodies, HandlerProcess minimal, StringBuilder section)
    {
        var store = azurite ? "Azurite" : "memory store";
        Console.WriteLine($"HTTP figures on the {store}...");
        await using var app = await apps.StartFunctionAppAsync(azurite);
        var idle = app.WorkingSetBytes();

        // Ingest, warm against warm: each process first takes the day's first half (each partition's first batches),
        // which starts its code and its heap; then the second half is measured, the minimal endpoint deserializing the
        // same bytes before and after ours. (A fresh process's first pass measures mostly its warming: the minimal
        // endpoint's ran anywhere from a third to all of its warm rate.)
        var (firstHalf, secondHalf) = Halves(bodies);
        var minimalWarmup = azurite ? null : await IngestDriver.RunAsync(minimal.Http, firstHalf);
        var oursWarmup = await IngestDriver.RunAsync(app.Http, firstHalf);
        var minimalBefore = azurite ? null : await IngestDriver.RunAsync(minimal.Http, secondHalf);
        var ours = await IngestDriver.RunAsync(app.Http, secondHalf);
        var minimalAfter = azurite ? null : await IngestDriver.RunAsync(minimal.Http, secondHalf);
        var afterDay = app.WorkingSetBytes();
        var batchMs = oursWarmup.BatchMs.Concat(ours.BatchMs).Order().ToList();
        if (!azurite)
        {
            var beside = (minimalBefore!.PrintsPerSecond + minimalAfter!.PrintsPerSecond) / 2;
            report.Add(new Figure(
                "ingest through POST /IngestEvents (memory store), batches of 1,000, second half of the day, prints/s",
                Fmt.N0(ours.PrintsPerSecond),
                $"minimal endpoint deserializing the same bytes: {Fmt.N0(beside)}",
                ours.PrintsPerSecond / beside,
                Goal.AtLeast,
                0.65,
                "≥ 0.65x"));
        }
        else
        {
            report.Add(new Figure("ingest through POST /IngestEvents (Azurite), batches of 1,000, second half of the day, prints/s", Fmt.N0(ours.PrintsPerSecond), "-", null, Goal.Report, 0, "report"));
        }

        section.AppendLine($"### {char.ToUpperInvariant(store[0])}{store[1..]}").AppendLine();
        section.AppendLine(Report.Table(
            ["ingest pass", "prints", "batches", "seconds", "prints/s", "batch p50 ms", "batch p99 ms"],
            new[]
            {
                ("minimal endpoint, first half (warm-up)", minimalWarmup), ("function app, first half (warm-up)", oursWarmup),
                ("minimal endpoint, second half, before", minimalBefore), ("function app, second half", ours), ("minimal endpoint, second half, after", minimalAfter),
            }
                .Where(r => r.Item2 is not null)
                .Select(r => (IReadOnlyList<string>)[r.Item1, Fmt.N0(r.Item2!.Prints), Fmt.N0(r.Item2.Batches), Fmt.F(r.Item2.Elapsed.TotalSeconds, 2), Fmt.N0(r.Item2.PrintsPerSecond), Fmt.Ms(Fmt.Percentile(r.Item2.BatchMs, 0.5)), Fmt.Ms(Fmt.Percentile(r.Item2.BatchMs, 0.99))])));

        await InvokeTimerAsync(app);
        await AssertDayVisibleAsync(app, tape);

        var rows = new List<IReadOnlyList<string>>();
        if (!azurite)
        {
            await LeaderboardAsync(app, minimal, rows);
        }

        foreach (var (name, path, cache) in Reads)
        {
            var body = await GetBodyAsync(app, path);
            if (!_minimalReads.TryGetValue(cache, out var baseline))
            {
                await PutCachedAsync(minimal, cache, body);
                baseline = await MeasureAsync(minimal, "/cached/" + cache, null);
                _minimalReads[cache] = baseline;
            }

            var measured = await MeasureAsync(app, path, Apps.AlphaKey);
            rows.Add([$"{name} ({store})", Fmt.N0(body.Length), Fmt.N0(measured.RequestsPerSecond), Fmt.Ms(measured.P50Ms), Fmt.Ms(measured.P99Ms), Fmt.N0(baseline.RequestsPerSecond), Fmt.Ms(baseline.P50Ms), Fmt.Ms(baseline.P99Ms)]);
            report.Add(new Figure(
                $"{name}, p50 / p99 ms under load ({store})",
                $"{Fmt.Ms(measured.P50Ms)} / {Fmt.Ms(measured.P99Ms)}",
                $"minimal endpoint, same body size: {Fmt.Ms(baseline.P50Ms)} / {Fmt.Ms(baseline.P99Ms)}",
                measured.P99Ms / baseline.P99Ms,
                azurite ? Goal.Report : Goal.AtMost,
                5,
                azurite ? "report" : "p99 ≤ 5x"));
        }

        section.AppendLine($"Reads, wrk with {Connections} connections, 2 threads, {options.LoadSeconds} s each after a {options.WarmupSeconds} s warm-up; the minimal endpoint returns a cached body of the same size:").AppendLine();
        section.AppendLine(Report.Table(["read", "body bytes", "req/s", "p50 ms", "p99 ms", "minimal req/s", "minimal p50 ms", "minimal p99 ms"], rows));

        var visible = await VisibilityAsync(app);
        report.Add(new Figure(
            $"ingest → visible in cumulative and strike-flow ({store}), worst of {VisibilityTrials}",
            $"{Fmt.Ms(visible[^1])} ms (p50 {Fmt.Ms(Fmt.Percentile(visible, 0.5))} ms)",
            "-",
            null,
            Goal.AtMost,
            1_000,
            "≤ 1 s",
            visible[^1]));

        var perSymbol = (afterDay - idle) / (double)tape.Symbols.Count;
        report.Add(new Figure(
            $"working set after the simulated day ({store}), per symbol",
            $"{Fmt.F(perSymbol / 1024, 0)} KB",
            $"{Fmt.Mb(afterDay)} after the day − {Fmt.Mb(idle)} idle, over {tape.Symbols.Count} symbols",
            null,
            Goal.Report,
            0,
            "report"));
        section.AppendLine($"Batch commit on the {store}: p50 {Fmt.Ms(Fmt.Percentile(batchMs, 0.5))} ms, p99 {Fmt.Ms(Fmt.Percentile(batchMs, 0.99))} ms. Working set (VmRSS) {Fmt.Mb(idle)} after start, {Fmt.Mb(afterDay)} after the day.").AppendLine();
    }

    private async Task LeaderboardAsync(HandlerProcess app, HandlerProcess minimal, List<IReadOnlyList<string>> rows)
    {
        const string Path = "/v1/flow/options/leaderboard?n=10&windowMinutes=60";
        var body = await GetBodyAsync(app, Path);
        await PutCachedAsync(minimal, "leaderboard", body);
        var baseline = await MeasureAsync(minimal, "/cached/leaderboard", null);
        await InvokeTimerAsync(app); // a fresh snapshot, as the 30-second timer keeps it
        var measured = await MeasureAsync(app, Path, Apps.AlphaKey);
        rows.Add(["leaderboard, n=10, 60 minutes (memory store)", Fmt.N0(body.Length), Fmt.N0(measured.RequestsPerSecond), Fmt.Ms(measured.P50Ms), Fmt.Ms(measured.P99Ms), Fmt.N0(baseline.RequestsPerSecond), Fmt.Ms(baseline.P50Ms), Fmt.Ms(baseline.P99Ms)]);
        report.Add(new Figure(
            $"cached leaderboard, requests/s, {Connections} connections",
            Fmt.N0(measured.RequestsPerSecond),
            $"minimal endpoint, cached body of the same size: {Fmt.N0(baseline.RequestsPerSecond)}",
            measured.RequestsPerSecond / baseline.RequestsPerSecond,
            Goal.AtLeast,
            0.6,
            "≥ 0.6x"));
    }

    private async Task<WrkResult> MeasureAsync(HandlerProcess target, string path, string? key)
    {
        var url = $"http://127.0.0.1:{target.Port}{path}";
        await Wrk.RunAsync(url, Connections, TimeSpan.FromSeconds(options.WarmupSeconds), key);
        var result = await Wrk.RunAsync(url, Connections, TimeSpan.FromSeconds(options.LoadSeconds), key);
        return result.Clean
            ? result
            : throw new InvalidOperationException($"{path}: {result.Non2xx} non-2xx answers and {result.SocketErrors} socket errors under load");
    }

    private static async Task<byte[]> GetBodyAsync(HandlerProcess app, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", Apps.AlphaKey);
        using var response = await app.Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
    }

    private static async Task PutCachedAsync(HandlerProcess minimal, string name, byte[] body)
    {
        using var response = await minimal.Http.PutAsync("/cached/" + name, new ByteArrayContent(body));
        response.EnsureSuccessStatusCode();
    }

    private static async Task InvokeTimerAsync(HandlerProcess app)
    {
        using var request = HostPayloads.Invocation("SnapshotLeaderboard", HostPayloads.Timer());
        using var response = await app.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The reads must show the day before they are timed: the shifted tape really landed in the windows.</summary>
    private static async Task AssertDayVisibleAsync(HandlerProcess app, SessionTape tape)
    {
        using var cumulative = JsonDocument.Parse(await GetBodyAsync(app, "/v1/flow/options/SPY/cumulative?minutes=390"));
        using var strikes = JsonDocument.Parse(await GetBodyAsync(app, "/v1/flow/zero-dte/strike-flow/SPY?minutes=390"));
        var points = cumulative.RootElement.GetProperty("count").GetInt32();
        var bars = strikes.RootElement.GetProperty("bars").GetArrayLength();
        Console.WriteLine($"  SPY after the day: {points} cumulative points, {bars} strike-flow bars ({tape.TradingDate:yyyy-MM-dd})");
        // Three quarters of the session's minutes (all 390 once New York is past 06:35; before, the tape stops at now).
        var least = tape.Minutes * 3 / 4;
        if (points < least || bars < least)
        {
            throw new InvalidOperationException($"the day did not land in the windows: {points} cumulative points, {bars} strike-flow bars");
        }
    }

    /// <summary>
    /// Ingest → visible: a batch of 1,000 prints of a symbol no one else trades (VISB), stamped now on today's 0DTE
    /// expiry, is posted as the host would; the clock runs from the post until both cumulative and strike-flow show
    /// every print of every trial so far. Returns the sorted milliseconds.
    /// </summary>
    private static async Task<List<double>> VisibilityAsync(HandlerProcess app)
    {
        var times = new List<double>();
        var expiry = Analytics.Time.NewYorkTime.TradingDate(DateTimeOffset.UtcNow);
        for (var trial = 1; trial <= VisibilityTrials; trial++)
        {
            var ts = DateTimeOffset.UtcNow;
            var messages = new List<string>(1_000);
            for (var i = 0; i < 1_000; i++)
            {
                var print = new TradeEvent(ts, "VISB", new OptionKey(expiry, 100_000, OptionRight.Call), 1.0, 1, 0.95, 1.05, 100, 0.3, SideHint.Buy, "CBOE", TradeConditions.None, TradeId.From($"visb-{trial}-{i}"));
                messages.Add(Json(print));
            }

            var body = Encoding.UTF8.GetBytes(HostPayloads.EventHub(messages, trial * 1_000L, "visibility"));
            var started = Stopwatch.StartNew();
            using (var content = new ByteArrayContent(body))
            {
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var posted = await app.Http.PostAsync("/IngestEvents", content);
                posted.EnsureSuccessStatusCode();
            }

            var expected = trial * 1_000L;
            while (true)
            {
                var trades = await SumAsync(app, "/v1/flow/options/VISB/cumulative?minutes=30", "points", "tradeCount");
                var contracts = await SumAsync(app, "/v1/flow/zero-dte/strike-flow/VISB?minutes=30", "bars", "contracts");
                if (trades >= expected && contracts >= expected)
                {
                    break;
                }

                if (started.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"trial {trial}: {trades} prints and {contracts} contracts visible after 30 s, {expected} expected");
                }
            }

            times.Add(started.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    private static async Task<long> SumAsync(HandlerProcess app, string path, string array, string field)
    {
        using var doc = JsonDocument.Parse(await GetBodyAsync(app, path));
        long sum = 0;
        foreach (var item in doc.RootElement.GetProperty(array).EnumerateArray())
        {
            var value = item.GetProperty(field);
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var v in value.EnumerateArray())
                {
                    sum += v.GetInt64();
                }
            }
            else
            {
                sum += value.GetInt64();
            }
        }

        return sum;
    }

    private static string Json(in TradeEvent print)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            EventJsonWriter.Write(writer, print);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Describe(SessionTape tape, IReadOnlyList<IReadOnlyList<Delivery>> deliveries, DateTimeOffset now)
    {
        var events = deliveries.Sum(p => p.Sum(d => d.Messages.Count));
        var text = $"The simulated day (seed 1, {tape.Symbols.Count} names, {Fmt.N0(events)} events of which {Fmt.N0(tape.Prints)} prints) moved to end at "
            + $"{now:yyyy-MM-dd HH:mm} UTC, as {deliveries.Sum(p => p.Count)} host invocations of up to 1,000 messages on {Partitions} partitions (by underlying), "
            + "posted to `POST /IngestEvents` one outstanding batch per partition, as the host does. The function app runs in function-app mode, "
            + "published, started as the host starts it. The minimal endpoint (bench/MinimalEndpoint, published the same way) deserializes the same "
            + "invocation bytes into typed records with source-generated System.Text.Json, and for reads returns a cached body of the same size.";
        return SessionTape.Warning(now) is { } warning ? text + " " + warning + Environment.NewLine : text + Environment.NewLine;
    }
}
