using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// Azure Storage goes away for 30 seconds in the middle of a day's ingest: the forwarders between the app and an
/// Azurite of the test's own refuse and reset every connection (<see cref="StorageProxy"/>), then listen again. Batches during the outage answer non-2xx well within the host's
/// function timeout, the host's retry policy delivers them again, and afterwards every endpoint answers what a clean
/// pass answers: nothing half-counted, nothing lost. Reads during the outage answer 502 <c>upstream_unavailable</c>
/// within seconds.
/// </summary>
[Trait(FaultSuite.Duration, FaultSuite.Long)]
public sealed class StorageOutageTests(DedicatedAzurites azurites, ITestOutputHelper output) : OwnAzuriteFaultTest(azurites, output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    /// <summary>host.json's <c>functionTimeout</c>.</summary>
    private static readonly TimeSpan HostTimeout = TimeSpan.FromMinutes(10);

    /// <summary>What "quickly" means for a read while storage is down.</summary>
    private static readonly TimeSpan QuickRead = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ThirtySecondsWithoutStorageLoseNothingAndCountNothingTwice()
    {
        var tape = SessionTape.Simulate(FaultApps.Date, 3, TimeSpan.Zero, intensity: 0.1);
        var partitions = tape.Deliveries(100, 2);
        // The app reaches its own Azurite through two forwarders (blob, table), which the outage cuts: connections
        // refused and reset, as an unreachable account. Azurite keeps running with everything it acknowledged.
        await using var own = await Azurite.StartOwnAsync();
        await using var blobs = StorageProxy.Start(own.Account.BlobPort);
        await using var tables = StorageProxy.Start(own.Account.TablePort);
        var account = new AzuriteAccount(blobs.Port, tables.Port);
        var prefix = AzuriteFixture.UniqueName("outage");

        var failed = new ConcurrentBag<(int Status, TimeSpan Took, TimeSpan At, string Log)>();
        var reads = new ConcurrentBag<(int Status, string? Error, TimeSpan Took)>();
        var clock = Stopwatch.StartNew();
        using (var app = new FlowApiFactory(FlowApiFactory.AzureSettings(account, prefix, functionApp: true), FaultApps.AfterClose))
        using (var readApp = new FlowApiFactory(FlowApiFactory.AzureSettings(account, prefix, functionApp: false), FaultApps.AfterClose))
        {
            using var host = app.CreateClient();
            var total = partitions.Sum(p => p.Count);
            var delivered = 0;
            var down = new TaskCompletionSource();
            var restarting = new TaskCompletionSource(); // storage may answer from here on

            // The host: each partition's batches in order; a failed batch is delivered again after a back-off
            // (function.json's exponentialBackoff retry, here from 1 s up to 4 s), never skipped.
            var ingest = Task.WhenAll(partitions.Select(async p =>
            {
                foreach (var d in p)
                {
                    for (var attempt = 0; ; attempt++)
                    {
                        app.Clock.Set(FaultApps.AfterClose + clock.Elapsed);
                        var started = clock.Elapsed;
                        var (status, logs) = await FaultApps.DeliverAsync(host, d);
                        if (status == HttpStatusCode.OK)
                        {
                            break;
                        }

                        failed.Add(((int)status, clock.Elapsed - started, clock.Elapsed, string.Join(' ', logs)));
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(4, 1 << Math.Min(attempt, 2))));
                    }

                    Interlocked.Increment(ref delivered);
                }
            }));

            // Storage goes away a third of the way in, mid-batch for whichever partition is committing.
            var outage = Task.Run(async () =>
            {
                while (Volatile.Read(ref delivered) < total / 3)
                {
                    await Task.Delay(20);
                }

                await Task.WhenAll(blobs.CutAsync(), tables.CutAsync());
                down.SetResult();
                await Task.Delay(Outage);
                restarting.SetResult();
                blobs.Restore();
                tables.Restore();
            });

            // A reader while storage is down: every answer an error, and a quick one.
            var reader = Task.Run(async () =>
            {
                await down.Task;
                using var alpha = readApp.ClientWithKey(Keys.Alpha);
                var i = 0;
                while (!restarting.Task.IsCompleted)
                {
                    var path = (i++ % 3) switch
                    {
                        0 => "/v1/flow/options/SPY/cumulative?minutes=390",
                        1 => "/v1/flow/summary/SPY",
                        _ => "/v1/flow/options/leaderboard?n=10&windowMinutes=390",
                    };
                    var started = clock.Elapsed;
                    using var response = await alpha.GetAsync(path);
                    var body = await response.Content.ReadAsStringAsync();
                    var error = body.StartsWith('{') && JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
                    // Only answers given while storage was surely down: it answers as soon as the forwarders listen.
                    if (!restarting.Task.IsCompleted)
                    {
                        reads.Add(((int)response.StatusCode, error, clock.Elapsed - started));
                    }

                    await Task.Delay(250);
                }
            });

            // An outage task that fails fails the test here, rather than leaving the host's retries going for ever.
            if (await Task.WhenAny(ingest, outage) == outage)
            {
                await outage;
            }

            await Task.WhenAll(ingest, outage, reader);
            Assert.Equal(total, delivered);
        }

        var failures = failed.OrderBy(f => f.At).ToArray();

        var readings = reads.ToArray();
        Output.WriteLine($"{tape.Prints:N0} prints in {partitions.Sum(p => p.Count)} batches; outage {Outage.TotalSeconds:N0} s; run {clock.Elapsed.TotalSeconds:N0} s");
        Output.WriteLine($"failed deliveries: {failures.Length} ({string.Join(", ", failures.GroupBy(f => f.Status).Select(g => $"{g.Key}: {g.Count()}"))}), slowest answer {failures.Max(f => f.Took).TotalSeconds:N1} s");
        Output.WriteLine($"reads during the outage: {readings.Length} ({string.Join(", ", readings.GroupBy(r => $"{r.Status} {r.Error}").Select(g => $"{g.Key}: {g.Count()}"))}), slowest {readings.Max(r => r.Took).TotalSeconds:N1} s");

        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.True(f.Status is >= 500 and <= 599 && f.Log.StartsWith("Storage failed", StringComparison.Ordinal), $"{f.Status} {f.Log}"));
        Assert.All(failures, f => Assert.True(f.Took < HostTimeout, $"a failed batch took {f.Took}"));
        Assert.True(readings.Length >= 10, $"only {readings.Length} reads during the outage");
        Assert.All(readings, r => Assert.Equal((502, "upstream_unavailable"), (r.Status, r.Error)));
        Assert.All(readings, r => Assert.True(r.Took < QuickRead, $"a read during the outage took {r.Took}"));

        // Against one clean pass of the same tape, on the same Azurite under another prefix.
        await FaultApps.AssertSameAsCleanPassAsync(account, partitions, account, prefix, tape.Symbols, FaultApps.Date, FaultApps.AfterClose, tape.Prints);
    }
}
