using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// Cold start: from exec of the published handler to its first 200 on <c>GET /</c> (the host's readiness probe), beside
/// the minimal endpoint published the same way, alternating, after one unmeasured start of each (so both read their
/// files from the page cache, as a warm host image does). The function app starts as it does under the host in
/// production: function-app mode, Production environment, Azure Storage through <c>AzureWebJobsStorage</c> (Azurite).
/// </summary>
public sealed class ColdStartSuite(Report report, Apps apps, BenchOptions options)
{
    public async Task RunAsync()
    {
        Console.WriteLine("Cold start...");
        await using var azurite = await AzuriteProcess.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Auth__KeyHashSecret"] = Apps.Secret,
            ["Storage__NamePrefix"] = "cold" + Guid.NewGuid().ToString("N")[..6],
        };
        var probe = TimeSpan.FromMilliseconds(2);
        var ours = new List<double>();
        var minimal = new List<double>();
        for (var i = 0; i <= options.ColdStarts; i++)
        {
            await using (var app = await HandlerProcess.StartAsync(apps.FunctionApp, "FlowFunctions", settings, probe))
            {
                if (i > 0)
                {
                    ours.Add(app.StartedIn.TotalMilliseconds);
                }
            }

            await using (var app = await apps.StartMinimalAsync(probe))
            {
                if (i > 0)
                {
                    minimal.Add(app.StartedIn.TotalMilliseconds);
                }
            }
        }

        ours.Sort();
        minimal.Sort();
        var oursMedian = Fmt.Percentile(ours, 0.5);
        var minimalMedian = Fmt.Percentile(minimal, 0.5);
        report.Add(new Figure(
            $"cold start, exec → first 200, median of {options.ColdStarts}",
            $"{Fmt.F(oursMedian, 0)} ms",
            $"minimal app published the same way: {Fmt.F(minimalMedian, 0)} ms",
            oursMedian / minimalMedian,
            Goal.AtMost,
            1.25,
            "≤ 1.25x"));
        var section = report.Section("Cold start");
        section.AppendLine($"{options.ColdStarts} starts of each, alternating, after one unmeasured start of each; `GET /` probed every 2 ms from exec. The function app in function-app mode on Azure Storage (Azurite) in the Production environment, as under the host.").AppendLine();
        section.AppendLine(Report.Table(
            ["app", "min ms", "median ms", "max ms"],
            [
                ["function app (FlowFunctions)", Fmt.F(ours[0], 0), Fmt.F(oursMedian, 0), Fmt.F(ours[^1], 0)],
                ["minimal endpoint", Fmt.F(minimal[0], 0), Fmt.F(minimalMedian, 0), Fmt.F(minimal[^1], 0)],
            ]));
    }
}
