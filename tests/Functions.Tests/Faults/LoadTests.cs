using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using FlowFunctions.Functions.Tests.FunctionApp;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// 60 seconds of mixed traffic at saturation against the published handler on Azurite, while the host keeps
/// delivering Event Hubs batches: every answer is the one expected (200 for reads and batches, 400 for the bad
/// requests mixed in), none is an error or a dropped connection, and the handler's memory levels off. It saturates the
/// machine, so it runs alone, after every other test (<see cref="DedicatedAzurites.AloneCollection"/>). The traffic
/// runs for 60 seconds and until more than <see cref="MinBatches"/> batches went in, however long a slow or busy machine
/// takes for them, so no verdict depends on the machine's speed.
/// </summary>
[Trait(FaultSuite.Duration, FaultSuite.Long)]
[Collection(DedicatedAzurites.AloneCollection)]
public sealed class LoadTests(DedicatedAzurites azurites, PublishedAppFixture published, ITestOutputHelper output) : FaultTest(output), IClassFixture<PublishedAppFixture>
{
    private DedicatedAzurites Azurite { get; } = azurites;

    private const string Secret = "load-test-key-hash-secret";
    private const string AlphaKey = "load-test-alpha-key-0000000001";
    private const int Readers = 32;
    private const int Partitions = 4;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    /// <summary>Batches the ingest must have delivered before the traffic stops, so the memory verdict has seen ingest.</summary>
    private const long MinBatches = 100;

    /// <summary>Growth allowed between the working set's median over seconds 15–30 and over the last 15 seconds.</summary>
    private const double MaxLateGrowth = 0.20;

    [Fact]
    public async Task SixtySecondsOfMixedTrafficWithIngestRunningAnswerWithoutErrorsInLevelMemory()
    {
        await using var own = await Azurite.StartOwnAsync();
        var prefix = AzuriteFixture.UniqueName("load");
        var digest = new ApiKeyHasher(Encoding.UTF8.GetBytes(Secret)).Digest(AlphaKey);
        await own.Account.Storage(prefix).CreateApiKeyStore()
            .CreateAsync(new ApiKeyRecord(digest.Id, digest.Hash, "load test", Plan.Alpha, false, DateTimeOffset.UtcNow), CancellationToken.None);
        await using var handler = await HandlerProcess.StartAsync(published.Folder, new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = own.ConnectionString,
            ["Storage__NamePrefix"] = prefix,
            ["Auth__KeyHashSecret"] = Secret,
            ["Plans__alpha__PerMinuteLimit"] = "0", // saturation, not the burst limit, is under test
            ["EventHubName"] = HostPayloads.Hub,
            ["EventHubConsumerGroup"] = HostPayloads.ConsumerGroup,
        });

        var tape = SessionTape.EndingAt(DateTimeOffset.UtcNow, 8, intensity: 0.25);
        var partitions = tape.Deliveries(100, Partitions);
        var expiry = tape.TradingDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (string Path, HttpStatusCode Expected)[] requests =
        [
            .. tape.Symbols.SelectMany(s => new[]
            {
                ($"/v1/flow/options/{s}/cumulative?minutes=390", HttpStatusCode.OK),
                ($"/v1/flow/options/{s}/cumulative?minutes=10080", HttpStatusCode.OK),
                ($"/v1/flow/zero-dte/strike-flow/{s}?bar=1m&minutes=60", HttpStatusCode.OK),
                ($"/v1/flow/summary/{s}", HttpStatusCode.OK),
                ($"/v1/flow/summary/{s}?expiry={expiry}", HttpStatusCode.OK),
                ($"/v1/strategies/flow-anomaly/{s}", HttpStatusCode.OK),
            }),
            ("/v1/flow/options/leaderboard?n=10&windowMinutes=15", HttpStatusCode.OK),
            ("/v1/flow/options/leaderboard?n=50&windowMinutes=1440", HttpStatusCode.OK),
            ("/v1/account", HttpStatusCode.OK),
            ("/health", HttpStatusCode.OK),
            ("/v1/flow/summary/NOT%20A%20SYMBOL", HttpStatusCode.BadRequest),
            ("/v1/flow/zero-dte/strike-flow/SPY?bar=5m", HttpStatusCode.BadRequest),
        ];

        // The morning's chains first, so the summaries have a chain to answer from.
        foreach (var p in partitions)
        {
            Assert.Equal(HttpStatusCode.OK, (await FaultApps.DeliverAsync(handler.Http, p[0])).Status);
        }

        var clock = Stopwatch.StartNew();
        var statuses = new ConcurrentDictionary<string, int>();
        var errors = new ConcurrentQueue<string>();
        var memory = new ConcurrentQueue<(double Second, long Bytes)>();
        long batches = 0, prints = 0;
        bool Running() => clock.Elapsed < Duration || Interlocked.Read(ref batches) <= MinBatches;

        var ingest = Task.WhenAll(Enumerable.Range(0, Partitions).Select(async p =>
        {
            // The host delivers one batch per partition at a time; past the tape's end it starts over as new events.
            for (var pass = 0; Running(); pass++)
            {
                foreach (var d in partitions[p].Skip(pass == 0 ? 1 : 0))
                {
                    if (!Running())
                    {
                        break;
                    }

                    var delivery = d with { Partition = (p + (pass * Partitions)).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    try
                    {
                        var (status, logs) = await FaultApps.DeliverAsync(handler.Http, delivery);
                        Count(status == HttpStatusCode.OK, $"IngestEvents {(int)status} {string.Join(' ', logs)}");
                        Interlocked.Increment(ref batches);
                        Interlocked.Add(ref prints, d.Prints);
                    }
                    catch (HttpRequestException e)
                    {
                        Count(false, $"IngestEvents {e.Message}");
                    }
                }
            }
        }));

        var read = Task.WhenAll(Enumerable.Range(0, Readers).Select(async r =>
        {
            using var client = new HttpClient { BaseAddress = handler.Http.BaseAddress };
            client.DefaultRequestHeaders.Add("X-Api-Key", AlphaKey);
            var random = new Random(r);
            while (Running())
            {
                var (path, expected) = requests[random.Next(requests.Length)];
                try
                {
                    using var response = await client.GetAsync(path);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    Count(response.StatusCode == expected && body.Length > 0, $"{path} {(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(200, body.Length)))}");
                }
                catch (HttpRequestException e)
                {
                    Count(false, $"{path} {e.Message}");
                }
            }
        }));

        var sampler = Task.Run(async () =>
        {
            while (Running())
            {
                memory.Enqueue((clock.Elapsed.TotalSeconds, handler.WorkingSetBytes()));
                await Task.Delay(1_000);
            }
        });

        await Task.WhenAll(ingest, read, sampler);
        var elapsed = clock.Elapsed.TotalSeconds;

        var samples = memory.ToArray();
        var early = Median(samples.Where(s => s.Second is >= 15 and < 30));
        var late = Median(samples.Where(s => s.Second >= elapsed - 15));
        var answered = statuses.Values.Sum();
        Output.WriteLine($"{elapsed:N0} s: {answered:N0} answers ({answered / elapsed:N0}/s) by {Readers} readers and {Partitions} partitions; "
            + $"{batches:N0} batches, {prints:N0} prints ingested ({prints / elapsed:N0}/s); {errors.Count} unexpected");
        Output.WriteLine($"working set: median {early / 1e6:N0} MB over seconds 15-30, {late / 1e6:N0} MB over the last 15 s ({(late / (double)early) - 1:+0.0%;-0.0%}); "
            + $"peak {samples.Max(s => s.Bytes) / 1e6:N0} MB");
        Output.WriteLine(string.Join(", ", statuses.OrderByDescending(s => s.Value).Select(s => $"{s.Key}: {s.Value:N0}")));

        Assert.True(errors.IsEmpty, $"{errors.Count} unexpected answers, first: {string.Join("\n", errors.Take(10))}");
        Assert.True(batches > MinBatches, $"only {batches} batches ingested");
        Assert.True(late <= early * (1 + MaxLateGrowth), $"the working set grew from {early / 1e6:N0} MB to {late / 1e6:N0} MB");

        using var health = await handler.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        void Count(bool ok, string what)
        {
            statuses.AddOrUpdate(ok ? "expected" : "unexpected", 1, (_, n) => n + 1);
            if (!ok)
            {
                errors.Enqueue(what);
            }
        }
    }

    private static long Median(IEnumerable<(double Second, long Bytes)> samples)
    {
        var sorted = samples.Select(s => s.Bytes).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
