using System.Runtime.CompilerServices;

namespace FlowFunctions.Client.Tests;

/// <summary>The README's three lines of .NET, run against the app on a socket, and held to what the README shows.</summary>
public sealed class ReadmeDotnetExampleTests(SocketApp app) : IClassFixture<SocketApp>
{
    [Fact]
    public async Task TheReadmesThreeLinesRunAsShown()
    {
        // The README's example, with the app's address for the README's; the test checks the README shows these lines.
        var url = app.Address.AbsoluteUri;
        var lines = new StringWriter();
        var Console = lines; // the README writes to the console; here the lines are kept to check

        // README: dotnet
        using var client = new FlowFunctionsClient(new Uri(url), "dev-growth");
        var summary = await client.GetFlowSummaryAsync("SPY");
        Console.WriteLine($"{summary.Value.Symbol} {summary.Value.FlowDirection}, {summary.RateLimit?.Remaining} requests left today");
        // README: end

        Assert.Equal(Region("dotnet").Replace("new Uri(url)", $"new Uri(\"{Readme.Address}\")", StringComparison.Ordinal), Readme.Block("csharp").Trim());
        Assert.Matches(@"^SPY [a-z_]+, \d+ requests left today$", lines.ToString().Trim());
    }

    /// <summary>The lines of this file between <c>// README: name</c> and <c>// README: end</c>, unindented.</summary>
    private static string Region(string name, [CallerFilePath] string file = "")
    {
        var lines = File.ReadAllLines(file);
        var from = Array.FindIndex(lines, l => l.Trim() == $"// README: {name}") + 1;
        var to = Array.FindIndex(lines, from, l => l.Trim() == "// README: end");
        return string.Join('\n', lines[from..to].Select(l => l.Trim()));
    }
}
