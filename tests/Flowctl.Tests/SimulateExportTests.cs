using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary><c>flowctl simulate</c> into Azurite storage, read back with <c>flowctl export</c>.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed partial class SimulateExportTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ASimulatedMorningExportsMinuteByMinuteAndASecondRunCountsNothingTwice()
    {
        // The latest whole weekday session before today: inside the app's 7-day window, and over.
        var day = NewYorkTime.TradingDate(DateTimeOffset.UtcNow).AddDays(-1);
        while (!NewYorkTime.IsWeekday(day))
        {
            day = day.AddDays(-1);
        }

        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("sim"), "flowctl-simulate-test-secret");
        string[] simulate = ["simulate", "--symbols", "SPY,QQQ", "--date", date, "--until", "10:30", "--speed", "max", "--to", "storage"];
        var (exit, output) = await flowctl.RunAsync(null, simulate);
        Assert.True(exit == 0, output);
        // The prints that count: those sent less those the simulator cancelled.
        var sent = Sent().Match(output);
        var prints = long.Parse(sent.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)
            - long.Parse(sent.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(prints > 100, output);

        Assert.Equal(prints, await ExportedPrintsAsync());
        Assert.Equal(0, (await flowctl.RunAsync(null, simulate)).Exit);
        Assert.Equal(prints, await ExportedPrintsAsync());

        var (_, ndjson) = await flowctl.RunAsync(null, "export", "--symbol", "spy", "--date", date, "--format", "ndjson");
        var rows = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(60, rows.Count); // 09:30 to 10:29, a print every minute on SPY
        Assert.Equal(rows.Sum(r => r.GetProperty("net_volume").GetInt64()), rows[^1].GetProperty("cumulative_net_volume").GetInt64());
        Assert.All(rows, r => Assert.Equal(r.GetProperty("buy_volume").GetInt64() - r.GetProperty("sell_volume").GetInt64(), r.GetProperty("net_volume").GetInt64()));

        (exit, output) = await flowctl.RunAsync(null, "simulate", "--symbols", "SPY,NOPE", "--to", "storage");
        Assert.Equal(1, exit);
        Assert.Contains("Not in the simulator's universe: NOPE", output, StringComparison.Ordinal);

        async Task<long> ExportedPrintsAsync()
        {
            long total = 0;
            foreach (var symbol in new[] { "SPY", "QQQ" })
            {
                var (code, csv) = await flowctl.RunAsync(null, "export", "--symbol", symbol, "--date", date);
                Assert.True(code == 0, csv);
                var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.StartsWith("minute_utc,buy_volume,sell_volume,mid_volume,net_volume,cumulative_net_volume", lines[0], StringComparison.Ordinal);
                var column = Array.IndexOf(lines[0].Split(','), "trade_count");
                total += lines.Skip(1).Sum(l => long.Parse(l.Split(',')[column], CultureInfo.InvariantCulture));
            }

            return total;
        }
    }

    [GeneratedRegex(@"\(([0-9,]+) prints, ([0-9,]+) of them cancelled\)")]
    private static partial Regex Sent();
}
