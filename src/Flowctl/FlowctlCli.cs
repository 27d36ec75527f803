using System.CommandLine;
using FlowFunctions.Storage;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>A failure flowctl reports as one line and exit code 1 (bad input, a missing setting, nothing found).</summary>
public sealed class FlowctlException(string message) : Exception(message);

/// <summary>
/// The command tree: <c>keys</c> (create, list, revoke, set-plan), <c>replay</c>, <c>import</c>, <c>simulate</c>, <c>export</c> and
/// <c>watch</c>.
/// Storage options are recursive, so they go anywhere on the line. Output goes to the console given, so tests read it.
/// </summary>
public static class FlowctlCli
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TimeProvider time, CancellationToken cancellationToken)
    {
        var root = Build(console, time);
        try
        {
            // Help and parse errors go to the console's own writer, raw (Spectre would wrap them again).
            var writer = console.Profile.Out.Writer;
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = writer, Error = writer };
            return await root.Parse(args).InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (e is FlowctlException or StoreException or InvalidOperationException or IOException or HttpRequestException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]interrupted[/]");
            return 130;
        }
    }

    /// <summary>A <c>--date</c> value (yyyy-MM-dd), or today's New York trading date when none was given.</summary>
    public static DateOnly TradingDate(string? text, TimeProvider time) => text is null
        ? Analytics.Time.NewYorkTime.TradingDate(time.GetUtcNow())
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            ? date
            : throw new FlowctlException($"--date \"{text}\" is not yyyy-MM-dd.");

    public static RootCommand Build(IAnsiConsole console, TimeProvider time)
    {
        var storage = new StorageArguments();
        var root = new RootCommand("flowctl: keys, replay, simulation and export for FlowFunctions.");
        storage.AddTo(root);
        root.Add(KeysCommands.Build(storage, console, time));
        root.Add(ReplayCommand.Build(storage, console, time));
        root.Add(ImportCommand.Build(storage, console, time));
        root.Add(SimulateCommand.Build(storage, console, time));
        root.Add(ExportCommand.Build(storage, console, time));
        root.Add(WatchCommand.Build(console, time));
        return root;
    }
}
