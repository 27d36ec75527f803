using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The Azure quota store's cost: a burst-only plan pays storage per leased block, not per request.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureQuotaStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ABurstOnlyPlanCostsStorageRoundTripsPerBlockNotPerRequest()
    {
        var counter = new StorageRequestCounter();
        var store = new AzureQuotaStore(AzureTestClients.TableNamed(azurite, AzuriteFixture.UniqueName("cost"), counter));
        var now = new DateTimeOffset(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
        var limits = new QuotaLimits(0, 1_200); // blocks of 30

        for (var i = 0; i < 90; i++)
        {
            Assert.True((await store.TryConsumeAsync("alpha", limits, now, default)).Allowed);
        }

        // Create the table once, then per block of 30: read and swap the minute row, read and swap the day row.
        Assert.True(counter.Requests <= 1 + (3 * 4), $"{counter.Requests} storage requests for 90 alpha requests");
        Assert.Equal(90, (await store.GetUsageAsync("alpha", now, default)).UsedToday);
    }
}
