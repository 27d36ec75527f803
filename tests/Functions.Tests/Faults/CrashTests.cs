using System.Net;
using FlowFunctions.Functions.Tests.FunctionApp;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// The published handler killed with SIGKILL at a random moment while it folds batches, twenty times over one day's
/// tape. After each kill it is started again and the host's delivery resumes where the host would have checkpointed:
/// after the last batch answered 200, cut into batches of another size (a restarted host hands out whatever is at
/// hand). Every endpoint then answers what one clean pass answers.
/// </summary>
[Trait(FaultSuite.Duration, FaultSuite.Long)]
public sealed class CrashTests(DedicatedAzurites azurites, PublishedAppFixture published, ITestOutputHelper output) : OwnAzuriteFaultTest(azurites, output), IClassFixture<PublishedAppFixture>
{
    private const int Trials = 20;
    private const int Partitions = 2;

    [Fact]
    public async Task TwentyKillsMidBatchThenRedeliveryFromTheCheckpointCountEveryPrintOnce()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var start = DateTimeOffset.UtcNow;
        var tape = SessionTape.EndingAt(start, 3, intensity: 0.1);
        var original = tape.Deliveries(100, Partitions);
        await using var own = await Azurite.StartOwnAsync();
        var prefix = AzuriteFixture.UniqueName("crash");
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = own.ConnectionString,
            ["Storage__NamePrefix"] = prefix,
            ["Auth__KeyHashSecret"] = "crash-test-key-hash-secret",
            ["EventHubName"] = HostPayloads.Hub,
            ["EventHubConsumerGroup"] = HostPayloads.ConsumerGroup,
        };

        // Per partition, the host's checkpoint: the first sequence number not yet answered 200.
        var checkpoints = new long[Partitions];
        var end = original.Select(p => p[^1].FirstSequence + p[^1].Messages.Count).ToArray();
        int killedInFlight = 0, invocations = 0, failedInvocations = 0;
        for (var trial = 0; trial <= Trials; trial++)
        {
            await using var handler = await HandlerProcess.StartAsync(published.Folder, settings);
            var inFlight = 0;
            using var stop = new CancellationTokenSource();
            var size = random.Next(40, 160);
            var host = Task.WhenAll(Enumerable.Range(0, Partitions).Select(async p =>
            {
                foreach (var delivery in FaultApps.Recut(original[p], checkpoints[p], size))
                {
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        var (status, _) = await FaultApps.DeliverAsync(handler.Http, delivery, stop.Token);
                        Interlocked.Increment(ref invocations);
                        // The last start runs to the end as the host would: a failed delivery is delivered again after
                        // a back-off (function.json's exponentialBackoff). A batch a killed handler had claimed answers
                        // 503 until its 30-second lease runs out (docs/storage.md), so this can take a few attempts.
                        for (var attempt = 0; status != HttpStatusCode.OK && trial == Trials && attempt < 20; attempt++)
                        {
                            Interlocked.Increment(ref failedInvocations);
                            await Task.Delay(TimeSpan.FromSeconds(Math.Min(4, 1 << attempt)), stop.Token);
                            (status, _) = await FaultApps.DeliverAsync(handler.Http, delivery, stop.Token);
                            Interlocked.Increment(ref invocations);
                        }

                        if (status != HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref failedInvocations);
                            return; // the host would retry from the checkpoint; here the next trial does
                        }

                        checkpoints[p] = delivery.FirstSequence + delivery.Messages.Count;
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        Interlocked.Increment(ref failedInvocations);
                        return; // cut off by the kill
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            }));

            if (trial < Trials)
            {
                // A random moment within the next 1.5 s of folding.
                await Task.WhenAny(host, Task.Delay(random.Next(50, 1_500)));
                if (Volatile.Read(ref inFlight) > 0)
                {
                    killedInFlight++;
                }

                await handler.KillAsync();
                await stop.CancelAsync();
                await host;
            }
            else
            {
                await host; // the last start delivers the rest undisturbed
            }
        }

        Assert.Equal(end, checkpoints);
        Output.WriteLine($"seed {seed}: {tape.Prints:N0} prints; {Trials} kills, {killedInFlight} with a batch in flight; {invocations} invocations answered, {failedInvocations} cut off or failed");
        Assert.True(killedInFlight >= Trials / 2, $"only {killedInFlight} of {Trials} kills landed during a batch");

        // Against one clean pass of the same tape, in process on the same Azurite; both read at one clock.
        await FaultApps.AssertSameAsCleanPassAsync(own.Account, original, own.Account, prefix, tape.Symbols, tape.TradingDate, DateTimeOffset.UtcNow, tape.Prints);
    }
}
