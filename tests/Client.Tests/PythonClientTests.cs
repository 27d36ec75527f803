using System.Diagnostics;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Client.Tests;

/// <summary>
/// The Python client (clients/python) run by python3 against the app on a socket: its own unittest suite, and the
/// README's example. The package is put on PYTHONPATH as <c>pip install ./clients/python</c> would install it.
/// </summary>
public sealed class PythonClientTests(SocketApp app, ITestOutputHelper output) : IClassFixture<SocketApp>
{
    private static readonly string Package = Path.Combine(AzuriteFixture.RepositoryRoot(), "clients", "python");

    [Fact]
    public async Task ThePythonClientsTestsPassAgainstTheApp()
    {
        var (code, text) = await RunAsync(["-m", "unittest", "discover", "-s", Path.Combine(Package, "tests"), "-v"]);
        output.WriteLine(text);
        Assert.True(code == 0, text);
        Assert.Contains("OK", text, StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReadmesPythonExampleRuns()
    {
        var example = Readme.Block("python").Replace(Readme.Address, app.Address.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);
        var (code, text) = await RunAsync(["-c", example]);
        output.WriteLine(text);
        Assert.True(code == 0, text);
        using var client = new FlowFunctionsClient(app.Address, Keys.Growth);
        Assert.Equal((await client.GetFlowSummaryAsync("SPY")).Value.FlowDirection, text.Trim());
    }

    private async Task<(int Code, string Output)> RunAsync(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Package,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PYTHONPATH"] = Path.Combine(Package, "src");
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        info.Environment["FLOWFUNCTIONS_URL"] = app.Address.AbsoluteUri;
        info.Environment["FLOWFUNCTIONS_NOW"] = app.Factory.Clock.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
