using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Flowctl.Targets;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl replay FILE</c>: a recorded tape (NDJSON or CSV, gzip allowed) into a target, in batches, at a chosen
/// speed, with progress, resumable: after each batch the target acknowledged, a checkpoint file records the last line
/// done, and a later run of the same file to the same target starts after it. A batch sent but not checkpointed
/// (interrupted in flight) is sent again under the same batch id, which the app and storage recognise. Refused lines
/// are summarised with their line numbers and reasons (all of them with <c>--rejects FILE</c>).
/// </summary>
public static class ReplayCommand
{
    private const int Shown = 20;

    public static Command Build(StorageArguments storage, IAnsiConsole console, TimeProvider time)
    {
        var targets = new TargetOptions(storage);
        var file = new Argument<FileInfo>("file") { Description = "NDJSON or CSV of trade prints; .gz allowed" };
        var format = new Option<string?>("--format") { Description = "ndjson or csv (default: from the file name)" };
        var speed = new Option<string>("--speed") { Description = "max (as fast as possible), realtime, or a multiple such as 10 or x10", DefaultValueFactory = _ => "max" };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per batch", DefaultValueFactory = _ => 500 };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Checkpoint file (default: FILE.checkpoint.json)" };
        var restart = new Option<bool>("--restart") { Description = "Ignore an existing checkpoint and start from the first line" };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop after this many batches (resume later)" };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "Write every refused line (line,reason) to this CSV file" };
        var command = new Command("replay", "Replay a recorded tape into the app, its storage or an Event Hub.") { file, format, speed, batchSize, checkpoint, restart, maxBatches, rejects };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new FlowctlException($"{path.FullName} does not exist.");
            }

            await using var target = targets.Open(parse, time);
            var options = new ReplayOptions(
                ParseSpeed(parse.GetValue(speed)!),
                Math.Clamp(parse.GetValue(batchSize), 1, 5_000),
                parse.GetValue(checkpoint)?.FullName ?? path.FullName + ".checkpoint.json",
                parse.GetValue(restart),
                parse.GetValue(maxBatches),
                parse.GetValue(rejects)?.FullName);
            using var reader = new TapeReader(path.FullName, parse.GetValue(format));
            var summary = await RunAsync(reader, path.FullName, target, options, console, time, ct);
            Print(summary, console);
            return summary.Finished ? 0 : 2;
        });
        return command;
    }

    /// <summary>Speed: 0 is as fast as possible; otherwise tape seconds per wall second.</summary>
    public static double ParseSpeed(string text) => text.Trim().ToLowerInvariant() switch
    {
        "max" or "fast" or "0" => 0,
        "realtime" or "real-time" or "1" or "x1" => 1,
        var x when double.TryParse(x.TrimStart('x').TrimEnd('x'), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        _ => throw new FlowctlException($"--speed \"{text}\": use max, realtime or a positive multiple such as 10."),
    };

    public sealed record ReplayOptions(double Speed, int BatchSize, string CheckpointPath, bool Restart, int? MaxBatches, string? RejectsPath);

    /// <param name="Lines">The number of the last line read (so a CSV header counts, as it does in line numbers).</param>
    /// <param name="FirstRejects">This run's first refusals, by line, for the screen.</param>
    /// <param name="Reasons">This run's refusals counted by reason (every one of them; past 1,000 distinct reasons the rest count as "other reasons").</param>
    public sealed record ReplaySummary(long Lines, long Accepted, long Rejected, long ResumedAfterLine, bool Finished, TimeSpan Elapsed, IReadOnlyList<(long Line, string Reason)> FirstRejects, IReadOnlyDictionary<string, long> Reasons, string CheckpointPath);

    /// <summary>The next lines of the tape: those to send, those refused on reading, the last line's number, and whether the tape ended.</summary>
    private sealed record TapeBatch(List<TapeLine> Lines, List<TapeLine> Refused, long LastLine, bool EndOfTape);

    private sealed record Checkpoint(string File, long FileLength, string FileId, string Target, int BatchSize, long Line, long Accepted, long Rejected);

    public static async Task<ReplaySummary> RunAsync(ITape reader, string path, IEventTarget target, ReplayOptions options, IAnsiConsole console, TimeProvider time, CancellationToken ct, string? fileId = null)
    {
        fileId ??= FileId(path);
        var resumed = options.Restart ? null : Read(options.CheckpointPath);
        if (resumed is not null && (resumed.FileId != fileId || resumed.Target != target.Identity))
        {
            throw new FlowctlException($"{options.CheckpointPath} belongs to another file or target ({resumed.Target}); pass --restart to start over, or --checkpoint for another file.");
        }

        // Batch ids name a batch by its first line, so a resumed replay cuts the rest exactly as the first run would.
        if (resumed is not null && resumed.BatchSize != options.BatchSize)
        {
            console.MarkupLineInterpolated($"Resuming in batches of {resumed.BatchSize} events, as when it started (not {options.BatchSize}).");
            options = options with { BatchSize = resumed.BatchSize };
        }

        var done = resumed?.Line ?? 0;
        var length = reader.Length;
        long accepted = resumed?.Accepted ?? 0, rejected = resumed?.Rejected ?? 0;
        reader.SkipTo(done);
        var firstRejects = new List<(long, string)>();
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        using var rejectsFile = options.RejectsPath is null ? null : new StreamWriter(options.RejectsPath, append: resumed is not null);
        if (rejectsFile is not null && resumed is null)
        {
            await rejectsFile.WriteLineAsync("line,reason");
        }

        void Refused(long line, string reason)
        {
            rejected++;
            if (firstRejects.Count < Shown)
            {
                firstRejects.Add((line, reason));
            }

            var key = reasons.Count < 1_000 || reasons.ContainsKey(reason) ? reason : "(other reasons)";
            reasons[key] = reasons.GetValueOrDefault(key) + 1;

            rejectsFile?.WriteLine($"{line.ToString(CultureInfo.InvariantCulture)},\"{reason.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
        }

        var clock = Stopwatch.StartNew();
        DateTimeOffset? firstTs = null;
        var batches = 0;
        var finished = false;
        long lastLine = done;

        // The next batch is read and checked while the current one is in flight, so the two overlap. A batch's own
        // refusals count when the batch is acknowledged, so a checkpoint never counts a line beyond its own.
        TapeBatch ReadBatch()
        {
            var lines = new List<TapeLine>(options.BatchSize);
            var refused = new List<TapeLine>();
            TapeLine? line = null;
            var last = 0L;
            while (lines.Count < options.BatchSize && (line = reader.Next()) is not null)
            {
                last = line.Number;
                (line.IsValid ? lines : refused).Add(line);
            }

            return new TapeBatch(lines, refused, last, line is null);
        }

        async Task Work(Action<double, string>? report)
        {
            var next = Task.Run(ReadBatch);
            try
            {
                await SendAll();
            }
            finally
            {
                // A batch read ahead but not sent (stopped, interrupted, failed) is read again on resume; its read must
                // end before the caller closes the reader.
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            async Task SendAll()
            {
                while (!ct.IsCancellationRequested)
                {
                    if (options.MaxBatches is { } max && batches >= max)
                    {
                        return;
                    }

                    var batch = await next;
                    next = batch.EndOfTape ? next : Task.Run(ReadBatch);
                    IEnumerable<(long Line, string Reason)> refusals = [.. batch.Refused.Select(l => (l.Number, l.Reject!))];
                    if (batch.Lines.Count > 0)
                    {
                        // Pacing: the batch goes out when the wall clock has caught up with its last event's tape time.
                        firstTs ??= batch.Lines[0].Timestamp;
                        if (options.Speed > 0)
                        {
                            var due = TimeSpan.FromTicks((long)((batch.Lines[^1].Timestamp - firstTs.Value).Ticks / options.Speed));
                            if (due > clock.Elapsed)
                            {
                                await Task.Delay(due - clock.Elapsed, ct);
                            }
                        }

                        var outcome = await target.SendAsync($"replay-{fileId[..16]}-{batch.Lines[0].Number.ToString(CultureInfo.InvariantCulture)}", batch.Lines, ct);
                        accepted += outcome.Accepted;
                        refusals = refusals.Concat(outcome.Errors);
                        rejected += outcome.Rejected - outcome.Errors.Count; // refusals the target counted without naming
                    }

                    // Counted and written once the batch is acknowledged, in line order.
                    foreach (var (number, reason) in refusals.OrderBy(r => r.Line))
                    {
                        Refused(number, reason);
                    }

                    lastLine = Math.Max(lastLine, batch.LastLine);
                    batches++;
                    Write(options.CheckpointPath, new Checkpoint(path, length, fileId, target.Identity, options.BatchSize, lastLine, accepted, rejected));
                    report?.Invoke(reader.Length == 0 ? 1 : (double)reader.Position / reader.Length, $"{lastLine:N0} lines, {accepted / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} events/s");
                    if (batch.EndOfTape)
                    {
                        finished = true;
                        return;
                    }
                }
            }
        }

        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Path.GetFileName(path), maxValue: 1);
                    await Work((fraction, text) =>
                    {
                        task.Value = fraction;
                        task.Description = $"{Path.GetFileName(path)}: {text}";
                    });
                });
        }
        else
        {
            await Work(null);
        }

        return new ReplaySummary(lastLine, accepted, rejected, done, finished, clock.Elapsed, firstRejects, reasons, options.CheckpointPath);
    }

    public static void Print(ReplaySummary s, IAnsiConsole console)
    {
        if (s.ResumedAfterLine > 0)
        {
            console.MarkupLineInterpolated($"Resumed after line {s.ResumedAfterLine:N0} (checkpoint {s.CheckpointPath}).");
        }

        console.MarkupLineInterpolated($"{(s.Finished ? "Done" : "Stopped")}: {s.Lines:N0} lines, {s.Accepted:N0} events accepted, {s.Rejected:N0} refused, in {s.Elapsed.TotalSeconds:N1} s.");
        if (s.Reasons.Count > 0)
        {
            var table = new Table().AddColumns("refused", "reason");
            foreach (var (reason, count) in s.Reasons.OrderByDescending(r => r.Value).Take(10))
            {
                table.AddRow(count.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(reason));
            }

            console.Write(table);
            foreach (var (line, reason) in s.FirstRejects)
            {
                console.MarkupLineInterpolated($"  line {line}: {reason}");
            }
        }

        if (!s.Finished)
        {
            console.MarkupLine("Run the same command again to resume.");
        }
    }

    /// <summary>Identifies the file by its length and the SHA-256 of its first megabyte.</summary>
    internal static string FileId(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[Math.Min(stream.Length, 1 << 20)];
        stream.ReadExactly(head);
        return Convert.ToHexStringLower(SHA256.HashData([.. head, .. BitConverter.GetBytes(stream.Length)]));
    }

    private static Checkpoint? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path)) : null;

    /// <summary>Written to a temporary file and moved over the old one, so an interruption never leaves half a checkpoint.</summary>
    private static void Write(string path, Checkpoint checkpoint)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoint));
        File.Move(temporary, path, overwrite: true);
    }
}
