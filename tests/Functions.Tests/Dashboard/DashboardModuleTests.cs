using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Dashboard;

/// <summary>
/// The dashboard as ES modules (src/Functions/Dashboard/web): the pure modules' unit tests pass under Node's own test
/// runner (<c>node --test</c> in src/Functions/Dashboard, no dependency), and every module the page imports, from
/// main.js down, is served by the app as JavaScript, so no import fails in the browser.
/// </summary>
public sealed partial class DashboardModuleTests
{
    private static string Dashboard => Path.Combine(AzuriteFixture.RepositoryRoot(), "src", "Functions", "Dashboard");

    [Fact]
    public async Task ThePureModulesPassTheirNodeUnitTests()
    {
        var info = new ProcessStartInfo("node", "--test")
        {
            WorkingDirectory = Dashboard,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var report = await output + await errors;
        Assert.True(node.ExitCode == 0, report);
        var passed = int.Parse(PassCount().Match(report).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(passed >= 15, report); // the tests ran: format.test.mjs and logic.test.mjs
        Assert.Contains("# fail 0", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryModuleThePageImportsIsServedAsJavaScript()
    {
        using var app = new FlowApiFactory();
        using var client = app.CreateClient();
        var web = Path.Combine(Dashboard, "web");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(["main.js"]);
        while (pending.TryDequeue(out var module))
        {
            if (!seen.Add(module))
            {
                continue;
            }

            using var response = await client.GetAsync($"/dashboard/{module}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{module}: {(int)response.StatusCode}");
            Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
            var source = await response.Content.ReadAsStringAsync();
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(web, module)), source);
            foreach (Match import in ImportFrom().Matches(source))
            {
                pending.Enqueue(import.Groups[1].Value);
            }
        }

        // Every module in web/ is reached from main.js: none is left behind unused.
        Assert.Equal(Directory.GetFiles(web, "*.js").Select(Path.GetFileName).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^# pass (\d+)$", RegexOptions.Multiline)]
    private static partial Regex PassCount();

    [GeneratedRegex(@"from '\./([\w-]+\.js)';")]
    private static partial Regex ImportFrom();
}
