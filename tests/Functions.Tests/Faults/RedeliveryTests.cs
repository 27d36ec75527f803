using System.Net;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// Event Hubs delivers at least once: every batch of a simulated day arrives one to five times, in random order per
/// partition, at two handler instances that share the partitions (a hand-over: for a stretch both receive the same
/// partition's batches at once). Every endpoint must answer what one clean pass answers.
/// </summary>
public sealed class RedeliveryTests(DedicatedAzurites azurites, ITestOutputHelper output) : OwnAzuriteFaultTest(azurites, output)
{
    private const int Symbols = 6;
    private const int Partitions = 4;
    private const int BatchSize = 100;
    private const double Intensity = 0.15;

    [Fact]
    public async Task EveryBatchDeliveredOneToFiveTimesInRandomOrderAcrossTwoInstancesCountsOnce()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        // Out of order, a cancel could come before its print and find nothing to cancel: the tape without cancels.
        var tape = SessionTape.Simulate(FaultApps.Date, Symbols, TimeSpan.Zero, intensity: Intensity, realism: SimulatedDays.WithoutCancels);
        var partitions = tape.Deliveries(BatchSize, Partitions);

        // The faulty pass: per partition a shuffled multiset of deliveries; instance A takes the first part, B the last,
        // and both take the stretch in between, concurrently.
        await using var own = await Azurite.StartOwnAsync();
        var faultyPrefix = AzuriteFixture.UniqueName("redo");
        var settings = FlowApiFactory.AzureSettings(own.Account, faultyPrefix, functionApp: true);
        int invocations = 0, skipped = 0;
        using (var a = new FlowApiFactory(settings, FaultApps.AfterClose))
        using (var b = new FlowApiFactory(settings, FaultApps.AfterClose))
        {
            using var clientA = a.CreateClient();
            using var clientB = b.CreateClient();
            var work = new List<Task>();
            foreach (var p in partitions)
            {
                var shuffled = p.SelectMany(d => Enumerable.Repeat(d, random.Next(1, 6))).OrderBy(_ => random.Next()).ToList();
                var handOverStart = random.Next(shuffled.Count / 4, shuffled.Count / 2);
                var handOverEnd = random.Next(handOverStart, (shuffled.Count * 3) / 4);
                work.Add(RunAsync(clientA, shuffled[..handOverEnd]));
                work.Add(RunAsync(clientB, shuffled[handOverStart..]));
            }

            await Task.WhenAll(work);
        }

        Output.WriteLine($"seed {seed}: {tape.Prints:N0} prints in {partitions.Sum(p => p.Count)} batches; {invocations} invocations, {skipped} batches found already committed");

        await FaultApps.AssertSameAsCleanPassAsync(own.Account, partitions, own.Account, faultyPrefix, tape.Symbols, FaultApps.Date, FaultApps.AfterClose, tape.Prints);

        async Task RunAsync(HttpClient client, List<Delivery> deliveries)
        {
            foreach (var d in deliveries)
            {
                var (status, logs) = await FaultApps.DeliverAsync(client, d);
                Assert.True(status == HttpStatusCode.OK, $"seed {seed}: {(int)status} {string.Join(' ', logs)}");
                Interlocked.Increment(ref invocations);
                if (logs.Any(l => l.Contains("0 committed now", StringComparison.Ordinal)))
                {
                    Interlocked.Increment(ref skipped);
                }
            }
        }
    }
}
