using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// The stream's promise (docs/api.md "Live flow stream"): a client cut off at any point and reconnected with its
/// last id receives, over all its connections, exactly what an uninterrupted client receives: every final minute,
/// block and alert once, in order, none missing.
/// </summary>
public sealed class StreamResumeTests(ITestOutputHelper output)
{
    private const int Minutes = 30;
    private const int Cuts = 100;

    [Fact]
    public async Task AClientCutAtAHundredRandomPointsReceivesTheUninterruptedStreamEveryEventOnce()
    {
        await using var harness = new StreamHarness();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var query = $"symbols={harness.SymbolQuery}";

        // The uninterrupted client follows from the start of the day.
        using var steadyClient = harness.Factory.ClientWithKey(Keys.Alpha);
        using var steadyResponse = await StreamHarness.OpenAsync(steadyClient, query, StreamHarness.StartOfDay, timeout.Token);
        Assert.Equal("text/event-stream", steadyResponse.Content.Headers.ContentType?.MediaType);
        var steady = new List<SseEvent>();
        var steadyReader = new SseReader(await steadyResponse.Content.ReadAsStreamAsync(timeout.Token));
        var steadyTask = Task.Run(async () =>
        {
            while (await steadyReader.ReadAsync(timeout.Token) is { } e)
            {
                lock (steady)
                {
                    steady.Add(e);
                }
            }
        });

        // The cut client: connects with its last id, reads a random number of lines (so some cuts fall inside an
        // event), and drops the connection, a hundred times while the tape is ingested.
        var random = new Random(22);
        var cutter = new List<SseEvent>();
        string? lastId = StreamHarness.StartOfDay;
        var cuts = 0;
        var ingest = harness.IngestMinutesAsync(Minutes, TimeSpan.FromMilliseconds(120), timeout.Token);
        using var cutClient = harness.Factory.ClientWithKey(Keys.Alpha);
        while (cuts < Cuts)
        {
            var lines = random.Next(1, 80);
            using (var response = await StreamHarness.OpenAsync(cutClient, query, lastId, timeout.Token))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                using var reader = new SseReader(new LineLimitedStream(await response.Content.ReadAsStreamAsync(timeout.Token), lines));
                while (await reader.ReadAsync(timeout.Token) is { } e)
                {
                    cutter.Add(e);
                }

                lastId = reader.LastId ?? lastId;
            }

            cuts++;
            await Task.Delay(random.Next(0, 50), timeout.Token);
        }

        var cutsDuringIngest = ingest.IsCompleted ? "some" : "all";
        await ingest;
        await harness.CloseAllAsync(Minutes);
        var expected = await harness.ExpectedAsync();

        // After the cuts, one last connection reads until it has everything.
        using (var response = await StreamHarness.OpenAsync(cutClient, query, lastId, timeout.Token))
        {
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            while (!cutter.Any(e => e.Id == expected[^1].Id) && await reader.ReadAsync(timeout.Token) is { } e)
            {
                cutter.Add(e);
            }
        }

        while (true)
        {
            lock (steady)
            {
                if (steady.Any(e => e.Id == expected[^1].Id))
                {
                    break;
                }
            }

            await Task.Delay(20, timeout.Token);
        }

        steadyResponse.Dispose();
        await Task.WhenAny(steadyTask, Task.Delay(1000));

        List<SseEvent> steadyDurable;
        lock (steady)
        {
            steadyDurable = [.. steady.Where(e => e.IsDurable)];
        }

        var cutDurable = cutter.Where(e => e.IsDurable).ToList();
        output.WriteLine($"{expected.Count} events expected ({Count(expected, "minute")} minutes, {Count(expected, "block")} blocks, {Count(expected, "alert")} alerts); "
            + $"{cuts} cuts ({cutsDuringIngest} while ingesting), the cut client saw {cutter.Count} events, {cutter.Count(e => e.Event == "minute" && e.Data.Contains("\"final\":false", StringComparison.Ordinal))} previews");
        Assert.True(Count(expected, "minute") > 100 && Count(expected, "block") > 10, "the tape made too few events to test with");

        Assert.Equal(expected, steadyDurable);
        Assert.Equal(expected, cutDurable);
        Assert.Equal(cutDurable.Count, cutDurable.Select(e => e.Id).Distinct().Count());
        Assert.Contains(steady, e => e.Event == "minute" && e.Data.Contains("\"final\":false", StringComparison.Ordinal));
    }

    private static int Count(List<SseEvent> events, string type) => events.Count(e => e.Event == type);

    /// <summary>A response body that ends (as if the connection dropped) after a number of lines.</summary>
    private sealed class LineLimitedStream(Stream inner, int lines) : Stream
    {
        private int _left = lines;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left <= 0)
            {
                return 0;
            }

            // One byte at a time, so the cut falls exactly after the chosen line.
            var n = await inner.ReadAsync(buffer[..1], cancellationToken);
            if (n == 1 && buffer.Span[0] == (byte)'\n')
            {
                _left--;
            }

            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
