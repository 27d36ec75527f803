using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Ingest.Vendors;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl import FILE...</c>: vendor files (Databento DBN, plain or zstd; Massive flat files) turned into the app's
/// events and sent where <c>replay</c> sends them, resumable the same way; or, with <c>--ndjson OUT</c>, written one per
/// line for a look before sending (<c>-</c> for standard output, which then carries nothing else). Every print gets an
/// id from the file's own fields, so importing a file twice counts each print once (docs/importing.md).
/// </summary>
public static class ImportCommand
{
    public static Command Build(StorageArguments storage, IAnsiConsole console, TimeProvider time)
    {
        var targets = new TargetOptions(storage);
        var files = new Argument<FileInfo[]>("files") { Description = "Databento .dbn or .dbn.zst files, or Massive flat files (.csv.gz) and chain snapshots (.json)", Arity = ArgumentArity.OneOrMore };
        var ndjson = new Option<string?>("--ndjson") { Description = "Write the events to this file instead of sending them (- for standard output)" };
        var from = new Option<string?>("--from") { Description = "Keep events at or after this time (ISO 8601, or a date: its 00:00 UTC)" };
        var until = new Option<string?>("--until") { Description = "Keep events before this time (ISO 8601, or a date: its 00:00 UTC); --to names the target, as in replay" };
        var symbols = new Option<string?>("--symbols") { Description = "Keep these underlyings only, comma-separated (SPY,QQQ)" };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per batch", DefaultValueFactory = _ => 500 };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Checkpoint file (default: the first file's name + .import.checkpoint.json)" };
        var restart = new Option<bool>("--restart") { Description = "Ignore an existing checkpoint and start from the first event" };
        var command = new Command("import", "Import Databento or Massive files into the app, its storage or an Event Hub, or as NDJSON.") { files, ndjson, from, until, symbols, batchSize, checkpoint, restart };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files)!.Select(f => f.Exists ? f.FullName : throw new FlowctlException($"{f.FullName} does not exist.")).ToList();
            var filter = new VendorFilter(
                Time(parse.GetValue(from), "--from") ?? long.MinValue,
                Time(parse.GetValue(until), "--until") ?? long.MaxValue,
                parse.GetValue(symbols) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal) : null);
            try
            {
                using var tape = VendorTapes.Open(paths, filter);
                if (parse.GetValue(ndjson) is { } output)
                {
                    var toStdout = output == "-";
                    var report = toStdout ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : console;
                    var written = !toStdout && console.Profile.Capabilities.Interactive
                        ? await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                            .StartAsync(context =>
                            {
                                var task = context.AddTask(Path.GetFileName(output), maxValue: Math.Max(1, tape.Length));
                                return Task.FromResult(WriteNdjson(tape, output, () => task.Value = tape.Position));
                            })
                        : WriteNdjson(tape, output);
                    PrintTally(tape.Tally, written, report);
                    return 0;
                }

                await using var target = targets.Open(parse, time);
                var options = new ReplayCommand.ReplayOptions(
                    0,
                    Math.Clamp(parse.GetValue(batchSize), 1, 5_000),
                    parse.GetValue(checkpoint)?.FullName ?? paths[0] + ".import.checkpoint.json",
                    parse.GetValue(restart),
                    null,
                    null);
                var summary = await ReplayCommand.RunAsync(tape, paths[0], target, options, console, time, ct, ImportId(paths, filter));
                ReplayCommand.Print(summary, console);
                PrintTally(tape.Tally, summary.Accepted + summary.Rejected, console);
                return summary.Finished ? 0 : 2;
            }
            catch (VendorFormatException e)
            {
                throw new FlowctlException(e.Message);
            }
        });
        return command;
    }

    /// <summary>
    /// Every event as one line of <paramref name="output"/>; returns how many. A file is written beside its name and
    /// moved into place only when every event is written, so a bad record leaves no half file behind.
    /// </summary>
    public static long WriteNdjson(ITape tape, string output, Action? progress = null)
    {
        if (output == "-")
        {
            using var stdout = Console.OpenStandardOutput();
            return Write(stdout);
        }

        var partial = output + ".partial";
        try
        {
            long count;
            using (var file = File.Create(partial))
            {
                count = Write(file);
            }

            File.Move(partial, output, overwrite: true);
            return count;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        long Write(Stream stream)
        {
            using var buffered = new BufferedStream(stream, 1 << 16);
            var count = 0L;
            while (tape.Next() is { } line)
            {
                buffered.Write(line.Json);
                buffered.WriteByte((byte)'\n');
                if ((++count & 0xFFFF) == 0)
                {
                    progress?.Invoke();
                }
            }

            return count;
        }
    }

    private static void PrintTally(VendorTally tally, long events, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"Read {tally.Records:N0} records; wrote {events:N0} events.");
        if (tally.Skipped.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("skipped", "reason");
        foreach (var (reason, count) in tally.Skipped.OrderByDescending(r => r.Value))
        {
            table.AddRow(count.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(reason));
        }

        console.Write(table);
    }

    /// <summary>Nanoseconds since 1970 for an ISO 8601 time or a date (its 00:00 UTC); null when not given.</summary>
    private static long? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100
            : throw new FlowctlException($"{option} \"{text}\" is neither an ISO 8601 time nor a yyyy-MM-dd date.");
    }

    /// <summary>
    /// Names an import in checkpoints and batch ids: each file's id in a fixed order, and the filters, which change the
    /// events (so a batch id never names two different bodies, which the app would refuse as a reused key).
    /// </summary>
    private static string ImportId(IEnumerable<string> paths, VendorFilter filter)
    {
        var files = string.Join(',', paths.Select(ReplayCommand.FileId).Order(StringComparer.Ordinal));
        var symbols = string.Join(',', (filter.Symbols ?? new HashSet<string>()).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{files}|{filter.FromNanos}|{filter.ToNanos}|{symbols}")));
    }
}
