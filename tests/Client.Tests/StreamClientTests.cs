using FlowFunctions.Client.Models;
using FlowFunctions.Testing;

namespace FlowFunctions.Client.Tests;

/// <summary>
/// <see cref="FlowFunctionsClient.StreamAsync"/> over a real socket, with streams the server ends every second (as the
/// Functions host ends them at their lifetime): one sequence that resumes by itself and yields every block once.
/// </summary>
public sealed class StreamClientTests(SocketApp app) : IClassFixture<SocketApp>
{
    [Fact]
    public async Task TheStreamResumesAcrossEndedConnectionsAndYieldsEveryBlockOnce()
    {
        var now = app.Factory.Clock.Now;
        var today = Analytics.Time.NewYorkTime.TradingDate(now);
        var expiry = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var client = new FlowFunctionsClient(app.Address, Keys.Alpha);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<FlowStreamEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in client.StreamAsync(["SPY"], FlowStreamEvents.Block, $"{today:yyyyMMdd}.0.0", timeout.Token))
            {
                seen.Add(e);
                if (seen.Count(x => x.AsBlock()?.Size is >= 1_000 and < 1_015) == 15)
                {
                    return;
                }
            }
        });

        // Three waves of five block prints, each after the connection that saw the last one has ended.
        for (var wave = 0; wave < 3; wave++)
        {
            await app.Factory.IngestAsync(Enumerable.Range(0, 5).Select(i => TestEvents.Trade(now.AddSeconds(-60 + (wave * 5) + i), "SPY", expiry, 585, "C", 2.5, 1_000 + (wave * 5) + i, side: "buy")));
            await Task.Delay(1_500, timeout.Token);
        }

        await reading.WaitAsync(timeout.Token);
        var blocks = seen.Where(e => e.Event == "block").ToList();
        Assert.All(blocks, b => Assert.True(b.IsDurable));
        Assert.Equal(blocks.Count, blocks.Select(b => b.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1_000, 15), blocks.Select(b => (int)b.AsBlock()!.Size).Where(s => s is >= 1_000 and < 1_015));
        Assert.All(blocks.Select(b => b.AsBlock()!), b => Assert.Equal(("SPY", "call", "buy", 585.0), (b.Symbol, b.Right, b.Side, b.Strike)));
        Assert.True(seen.Count(e => e.Event == "end") >= 2, $"{seen.Count(e => e.Event == "end")} connections ended; the stream should have resumed across several");
        Assert.True(seen.Count(e => e.Event == "ready") >= 3);
    }
}
