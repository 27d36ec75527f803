using System.Collections.Concurrent;
using System.Net;
using FlowFunctions.Client.Models;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

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

    [Fact]
    public async Task AConnectionThatGoesSilentIsTakenForDroppedAndResumedFromTheLastId()
    {
        // A stand-in server that sends one event per connection and then nothing, not even a heartbeat.
        var lastIds = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        await using var silent = builder.Build();
        silent.MapGet("/v1/flow/stream", async (HttpContext context) =>
        {
            var last = context.Request.Headers["Last-Event-ID"].ToString();
            lastIds.Enqueue(last);
            var next = lastIds.Count;
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"retry: 10\n\nid: 20260605.{next}.0\nevent: block\ndata: {{\"size\":{next}}}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await silent.StartAsync();

        var options = new FlowFunctionsClientOptions { BaseAddress = new Uri(silent.Urls.First()), ApiKey = Keys.Alpha, StreamIdleTimeout = TimeSpan.FromMilliseconds(300) };
        using var client = new FlowFunctionsClient(new HttpClient(), options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = new List<string>();
        await foreach (var e in client.StreamAsync(["SPY"], cancellationToken: timeout.Token))
        {
            ids.Add(e.Id);
            if (ids.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["20260605.1.0", "20260605.2.0", "20260605.3.0"], ids);
        Assert.Equal([string.Empty, "20260605.1.0", "20260605.2.0"], lastIds.Take(3));
    }
}
