using FlowFunctions.Testing;
using Spectre.Console;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>
/// Runs flowctl in process against an Azurite prefix (or, with no account, whatever storage the arguments name),
/// capturing what it prints (no colour, 200 columns).
/// </summary>
public sealed class FlowctlRunner(AzuriteAccount? account, string prefix, string secret)
{
    public string Prefix => prefix;

    public string Secret => secret;

    public async Task<(int Exit, string Output)> RunAsync(TimeProvider? time, params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        string[] storage = account is null ? [] : ["--storage", account.ConnectionString];
        string[] all = [.. args, .. storage, "--prefix", prefix, "--key-hash-secret", secret];
        var exit = await FlowctlCli.RunAsync(all, console, time ?? TimeProvider.System, CancellationToken.None);
        return (exit, writer.ToString());
    }
}
