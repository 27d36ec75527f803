using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// <c>flowctl replay</c> over a tape of millions of lines: the simulated day of the 64 core names at ten times its print
/// rate (about 2 million events), gzip NDJSON, replayed into the standalone app's ingest endpoint at full speed. Its
/// memory must not grow with the file: flowctl's peak resident set (VmHWM) on the whole tape is held beside its peak
/// on the tape's first tenth, in the same run, each the median of three replays. Its throughput is reported beside the
/// same batches posted to a fresh app directly, one in flight like flowctl, so the cost flowctl adds (reading, checking
/// every line, checkpointing) shows apart from the app's. The same session simulated on the weekday before today's is
/// replayed too, as a user loads a past day: every event a backfill, its rate held to half the live ingest's or better. flowctl runs as its own process, published in Release, with its output redirected (so
/// no progress bar is drawn).
/// </summary>
public sealed partial class ReplaySuite(Report report, Apps apps, BenchOptions options)
{
    private const int BatchSize = 500;
    private const int Replays = 3;

    public async Task RunAsync()
    {
        Console.WriteLine("flowctl replay...");
        var folder = Directory.CreateDirectory(Path.Combine(apps.Root, "replay")).FullName;
        var flowctl = Path.Combine(folder, "flowctl");
        await HandlerPublish.PublishAsync(Path.Combine(AzuriteProcess.RepositoryRoot(), "src", "Flowctl"), flowctl, Path.Combine(apps.Root, "artifacts"), TimeSpan.FromMinutes(5));

        var tape = SessionTape.EndingAt(DateTimeOffset.UtcNow, 64, options.ReplayIntensity);
        var batches = tape.Deliveries(BatchSize, 1)[0];
        var lines = batches.SelectMany(b => b.Messages).ToList();
        var whole = await WriteAsync(Path.Combine(folder, "day.ndjson.gz"), lines);
        var tenth = await WriteAsync(Path.Combine(folder, "day-first-tenth.ndjson.gz"), lines.Take(lines.Count / 10).ToList());

        // Three replays of each file, alternating; each figure is the median of its three. One replay's peak moves
        // with when its collector happens to run (a first tenth once peaked at 84 MB where others peak near 106 MB).
        var smalls = new List<ReplayRun>();
        var larges = new List<ReplayRun>();
        for (var i = 0; i < Replays; i++)
        {
            smalls.Add(await ReplayAsync(flowctl, tenth.Path, tenth.Lines));
            larges.Add(await ReplayAsync(flowctl, whole.Path, whole.Lines));
        }

        // The same simulated session on the weekday before today's, as a user loads a past day (docs/api.md
        // "Retention"): every event is a backfill. Its rate stands beside the live ingest of today's tape.
        var pastDate = Analytics.Time.NewYorkTime.FirstRetainedDate(Analytics.Time.NewYorkTime.TradingDate(DateTimeOffset.UtcNow), 2);
        var pastLines = SessionTape.Simulate(pastDate, 64, TimeSpan.Zero, intensity: options.ReplayIntensity).Deliveries(BatchSize, 1)[0].SelectMany(b => b.Messages).ToList();
        var past = await WriteAsync(Path.Combine(folder, "past-day.ndjson.gz"), pastLines);
        var pasts = new List<ReplayRun>();
        for (var i = 0; i < Replays; i++)
        {
            pasts.Add(await ReplayAsync(flowctl, past.Path, past.Lines));
        }

        var small = ReplayRun.Median(smalls);
        var large = ReplayRun.Median(larges);
        var pastRun = ReplayRun.Median(pasts);
        var direct = await PostDirectlyAsync(batches);

        report.Add(new Figure(
            $"flowctl replay, peak memory over {Fmt.N0(whole.Lines)} lines",
            Fmt.Mb(large.PeakBytes),
            $"the same replay of the first {Fmt.N0(tenth.Lines)} lines: {Fmt.Mb(small.PeakBytes)}",
            (double)large.PeakBytes / small.PeakBytes,
            Goal.AtMost,
            1.25,
            "≤ 1.25x (memory does not grow with the file)"));
        report.Add(new Figure(
            "flowctl replay → app ingest, events/s",
            Fmt.N0(large.EventsPerSecond),
            $"the same batches posted directly: {Fmt.N0(direct)}",
            large.EventsPerSecond / direct,
            Goal.Report,
            0,
            "report"));

        report.Add(new Figure(
            $"flowctl replay of a past day ({pastDate:yyyy-MM-dd}, 64 names) → app ingest, events/s",
            Fmt.N0(pastRun.EventsPerSecond),
            $"today's tape posted directly (live ingest): {Fmt.N0(direct)}",
            pastRun.EventsPerSecond / direct,
            Goal.AtLeast,
            0.5,
            "≥ 0.5x"));

        var section = report.Section("flowctl replay");
        section.AppendLine($"The simulated day of the 64 core names at {Fmt.F(options.ReplayIntensity, 0)}x its print rate, moved to end at the wall clock ({Fmt.N0(whole.Lines)} events, {Fmt.Mb(whole.Bytes)} gzip NDJSON), replayed by the published flowctl with `--to app --speed max --batch-size {BatchSize}` into a fresh standalone app on the memory store. The first tenth is a file of its own, replayed the same way, and so is the same session simulated on {pastDate:yyyy-MM-dd}, the weekday before today's, whose every event is a backfill of a past date. The first tenth and the whole tape are replayed {Replays} times each, alternating, then the past day {Replays} times; every figure is the median of its {Replays}. \"Posted directly\" sends the same {BatchSize}-event NDJSON bodies with an Idempotency-Key, one in flight, to another fresh app. Peak memory is flowctl's VmHWM and its CPU time is user + system, both read every 50 ms.").AppendLine();
        section.AppendLine(Report.Table(
            ["run", "lines", "gzip file", "seconds", "events/s", "flowctl peak memory", "flowctl CPU seconds"],
            [
                ["flowctl, first tenth", Fmt.N0(tenth.Lines), Fmt.Mb(tenth.Bytes), Fmt.F(small.Seconds, 1), Fmt.N0(small.EventsPerSecond), Fmt.Mb(small.PeakBytes), Fmt.F(small.CpuSeconds, 1)],
                ["flowctl, whole tape", Fmt.N0(whole.Lines), Fmt.Mb(whole.Bytes), Fmt.F(large.Seconds, 1), Fmt.N0(large.EventsPerSecond), Fmt.Mb(large.PeakBytes), Fmt.F(large.CpuSeconds, 1)],
                [$"flowctl, the past day {pastDate:yyyy-MM-dd}", Fmt.N0(past.Lines), Fmt.Mb(past.Bytes), Fmt.F(pastRun.Seconds, 1), Fmt.N0(pastRun.EventsPerSecond), Fmt.Mb(pastRun.PeakBytes), Fmt.F(pastRun.CpuSeconds, 1)],
                ["posted directly", Fmt.N0(whole.Lines), "-", Fmt.F(whole.Lines / direct, 1), Fmt.N0(direct), "-", "-"],
            ]));
    }

    private sealed record TapeFile(string Path, int Lines, long Bytes);

    private sealed record ReplayRun(double Seconds, double EventsPerSecond, long PeakBytes, double CpuSeconds)
    {
        /// <summary>Each field's median over <paramref name="runs"/>.</summary>
        public static ReplayRun Median(List<ReplayRun> runs)
        {
            double Of(Func<ReplayRun, double> field) => Fmt.Percentile([.. runs.Select(field).Order()], 0.5);
            return new ReplayRun(Of(r => r.Seconds), Of(r => r.EventsPerSecond), (long)Of(r => r.PeakBytes), Of(r => r.CpuSeconds));
        }
    }

    private static async Task<TapeFile> WriteAsync(string path, List<string> lines)
    {
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        await using (var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16))
        {
            foreach (var line in lines)
            {
                await writer.WriteAsync(line);
                await writer.WriteAsync('\n');
            }
        }

        return new TapeFile(path, lines.Count, new FileInfo(path).Length);
    }

    /// <summary>One replay of <paramref name="file"/> into a fresh app; every line must be accepted.</summary>
    private async Task<ReplayRun> ReplayAsync(string flowctl, string file, int lines)
    {
        await using var app = await apps.StartStandaloneAsync();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(flowctl, "flowctl.dll"), "replay", file, "--to", "app", "--url", app.Http.BaseAddress!.ToString(), "--api-key", Apps.AdminKey, "--speed", "max", "--batch-size", BatchSize.ToString(CultureInfo.InvariantCulture), "--restart"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["COLUMNS"] = "200";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var peak = 0L;
        var cpu = TimeSpan.Zero;
        while (!process.HasExited)
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64); // VmHWM on Linux
                cpu = process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the reads.
            }

            await Task.Delay(50);
        }

        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var output = await stdout + await stderr;
        var done = DoneLine().Match(output);
        if (process.ExitCode != 0 || !done.Success || long.Parse(done.Groups["accepted"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) != lines)
        {
            throw new InvalidOperationException($"flowctl replay of {lines:N0} lines did not accept them all (exit {process.ExitCode}):\n{output}");
        }

        return new ReplayRun(seconds, lines / seconds, peak, cpu.TotalSeconds);
    }

    /// <summary>The same NDJSON bodies flowctl sends, one request in flight, into a fresh app: events per second.</summary>
    private async Task<double> PostDirectlyAsync(IReadOnlyList<Delivery> batches)
    {
        await using var app = await apps.StartStandaloneAsync();
        var bodies = batches.Select(b => Encoding.UTF8.GetBytes(string.Join('\n', b.Messages) + "\n")).ToList();
        var events = batches.Sum(b => b.Messages.Count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < bodies.Count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events") { Content = new ByteArrayContent(bodies[i]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            request.Headers.Add("X-Api-Key", Apps.AdminKey);
            request.Headers.Add("Idempotency-Key", "direct-" + i.ToString(CultureInfo.InvariantCulture));
            using var response = await app.Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        return events / clock.Elapsed.TotalSeconds;
    }

    [GeneratedRegex(@"Done: (?<lines>[\d,]+) lines, (?<accepted>[\d,]+) events accepted")]
    private static partial Regex DoneLine();
}
