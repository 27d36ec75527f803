using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// A client that reads too slowly is not buffered without bound (docs/api.md "Live flow stream"): once a write has
/// waited <c>Stream:MaxLagSeconds</c> for it, its stream ends with <c>slow</c>, and resuming from the last id it
/// received loses nothing. Over a real socket, so TCP's back-pressure reaches the server.
/// </summary>
public sealed class SlowReaderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AReaderThatStallsIsEndedWithSlowAndResumesWithNothingLost()
    {
        await using var harness = new StreamHarness(symbols: 16, intensity: 3, kestrel: true, settings: new Dictionary<string, string?>
        {
            ["Stream:BlockMinContracts"] = "1",
            ["Stream:MaxLagSeconds"] = "1",
        });
        await harness.IngestMinutesAsync(30, TimeSpan.Zero);
        await harness.CloseAllAsync(30);
        var expected = await harness.ExpectedAsync();
        var bytes = expected.Sum(e => e.Data.Length + e.Id!.Length + 24);

        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        var received = new List<SseEvent>();
        string? lastId;
        using (var response = await StreamHarness.OpenAsync(client, $"symbols={harness.SymbolQuery}", StreamHarness.StartOfDay))
        {
            var body = await response.Content.ReadAsStreamAsync();

            // The client stalls: it reads nothing for longer than the server waits.
            await Task.Delay(TimeSpan.FromSeconds(4));
            using var reader = new SseReader(body);
            while (await reader.ReadAsync() is { } e)
            {
                received.Add(e);
            }

            lastId = reader.LastId;
        }

        var durable = received.Where(e => e.IsDurable).ToList();
        output.WriteLine($"{expected.Count} events ({bytes / 1e6:F1} MB); the stalled stream delivered {durable.Count} before it ended with {received[^1].Event}");
        Assert.Equal("slow", received[^1].Event);
        Assert.Contains("resume from the last id received", received[^1].Data, StringComparison.Ordinal);
        Assert.InRange(durable.Count, 1, expected.Count - 1);
        Assert.Equal(expected[..durable.Count], durable);

        // Resumed from the last id it received: the rest, once.
        using (var response = await StreamHarness.OpenAsync(client, $"symbols={harness.SymbolQuery}", lastId))
        {
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            while (durable.Count < expected.Count && await reader.ReadAsync() is { } e)
            {
                if (e.IsDurable)
                {
                    durable.Add(e);
                }
            }
        }

        Assert.Equal(expected, durable);
    }
}
