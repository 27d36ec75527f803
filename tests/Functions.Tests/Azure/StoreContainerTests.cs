using FlowFunctions.Storage;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The stores' container on the SDK's BlobContainerClient against Azurite: conditions fail as the store's own exception.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class StoreContainerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PutGetListWithConditions()
    {
        var blobs = AzureTestClients.Blobs(azurite, "c");
        await blobs.EnsureCreatedAsync(default);
        await blobs.EnsureCreatedAsync(default);

        var etag = await blobs.PutAsync("snap/240.json", BinaryData.FromString("{\"a\":1}"), "application/json", null, "*", default);
        var exists = await Assert.ThrowsAsync<StoreException>(() => blobs.PutAsync("snap/240.json", BinaryData.FromString("x"), "text/plain", null, "*", default));
        Assert.Contains(exists.Failure, new[] { StoreFailure.Conflict, StoreFailure.PreconditionFailed });

        var etag2 = await blobs.PutAsync("snap/240.json", BinaryData.FromString("{\"a\":2}"), "application/json", etag, null, default);
        var stale = await Assert.ThrowsAsync<StoreException>(() => blobs.PutAsync("snap/240.json", BinaryData.FromString("{}"), "application/json", etag, null, default));
        Assert.Equal(StoreFailure.PreconditionFailed, stale.Failure);

        var got = (await blobs.GetAsync("snap/240.json", default))!;
        Assert.Equal(("{\"a\":2}", etag2), (got.Data.ToString(), got.ETag));
        Assert.Null(await blobs.GetAsync("snap/none.json", default));

        for (var i = 0; i < 7; i++)
        {
            await blobs.PutAsync($"dead/2026-06-05/b {i}'x.json", BinaryData.FromString("[]"), "application/json", null, null, default);
        }

        var listed = new List<string>();
        await foreach (var item in blobs.ListAsync("dead/", default))
        {
            listed.Add(item.Name);
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"dead/2026-06-05/b {i}'x.json"), listed);
    }
}
