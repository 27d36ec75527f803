using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>
/// <c>flowctl watch</c> against the app over a real socket, with streams that end every second (as the Functions host
/// ends them at their lifetime): it resumes by itself with the last id and prints every block once.
/// </summary>
public sealed class WatchCommandTests
{
    [Fact]
    public async Task WatchResumesAcrossEndedStreamsAndPrintsEveryEventOnce()
    {
        await using var app = new FlowApiFactory(new Dictionary<string, string?>
        {
            ["Stream:MaxLifetimeSeconds"] = "1",
            ["Stream:RetryMilliseconds"] = "100",
            ["Stream:PollMilliseconds"] = "20",
        });
        app.StartOnLoopback();
        using var http = app.CreateClient();
        var now = app.Clock.Now;
        var expiry = Analytics.Time.NewYorkTime.TradingDate(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var day = Analytics.Streaming.StreamPosition.StartOf(Analytics.Time.NewYorkTime.TradingDate(now)).ToString();

        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(writer) });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watchHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var options = new WatchCommand.WatchOptions(http.BaseAddress!, Keys.Alpha, "symbols=SPY&events=block", day, Previews: false, Json: true, MaxEvents: 15);
        var watch = WatchCommand.WatchAsync(watchHttp, options, console, timeout.Token);

        // Three waves of five block prints, each after the stream that saw the last one has ended.
        for (var wave = 0; wave < 3; wave++)
        {
            await app.IngestAsync(Enumerable.Range(0, 5).Select(i => TestEvents.Trade(now.AddSeconds(-60 + (wave * 5) + i), "SPY", expiry, 585, "C", 2.5, 1_000 + (wave * 5) + i, side: "buy")));
            await Task.Delay(1_500, timeout.Token);
        }

        Assert.Equal(0, await watch);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(15, lines.Length);
        Assert.All(lines, l => Assert.Contains(" block {", l, StringComparison.Ordinal));
        Assert.Equal(15, lines.Select(l => l.Split(' ')[0]).Distinct().Count());
        Assert.Equal(Enumerable.Range(1_000, 15), lines.Select(l => System.Text.Json.JsonDocument.Parse(l[(l.IndexOf('{', StringComparison.Ordinal))..]).RootElement.GetProperty("size").GetInt32()));
    }
}
