using System.Net;
using FlowFunctions.Functions.Tests.Faults;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// Cancels in Table Storage (docs/storage.md, "Cancels"): a simulated day with 1 % of its prints and every symbol's
/// last print cancelled, delivered by the Functions host over four Event Hubs partitions, each batch once or twice,
/// answers every endpoint byte for byte like a clean pass of the day without those prints.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class CancelAzureTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Symbols = 4;
    private const int Partitions = 4;
    private const int BatchSize = 200;
    private const double Intensity = 0.1;

    [Fact]
    public async Task ATapeWithCancelsAnswersLikeTheTapeWithoutThosePrints()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var tape = SessionTape.Simulate(FaultApps.Date, Symbols, TimeSpan.Zero, intensity: Intensity);
        var (cancelled, without) = tape.WithCancels(0.01, seed);
        output.WriteLine($"seed {seed}: {tape.Prints:N0} prints, {cancelled.Cancels} cancelled");

        var prefix = AzuriteFixture.UniqueName("cancel");
        using (var app = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, prefix, functionApp: true), FaultApps.AfterClose))
        {
            using var client = app.CreateClient();
            await Task.WhenAll(cancelled.Deliveries(BatchSize, Partitions).Select(async partition =>
            {
                foreach (var delivery in partition.SelectMany(d => Enumerable.Repeat(d, random.Next(1, 3))))
                {
                    var (status, logs) = await FaultApps.DeliverAsync(client, delivery);
                    Assert.True(status == HttpStatusCode.OK, $"seed {seed}: {(int)status} {string.Join(' ', logs)}");
                }
            }));
        }

        await FaultApps.AssertSameAsCleanPassAsync(azurite.Account, without.Deliveries(BatchSize, Partitions), azurite.Account, prefix, tape.Symbols, FaultApps.Date, FaultApps.AfterClose, without.Prints);
    }
}
