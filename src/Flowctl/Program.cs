using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>flowctl's entry point: see <see cref="FlowctlCli"/> for the commands, README ("flowctl") for examples.</summary>
public static class FlowctlProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops at the next safe point (a replay keeps its checkpoint); a second one kills.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        return await FlowctlCli.RunAsync(args, AnsiConsole.Console, TimeProvider.System, cancel.Token);
    }
}
