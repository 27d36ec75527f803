using FlowFunctions.Functions.Storage;
using FlowFunctions.Functions.Storage.Azure;
using FlowFunctions.Functions.Tests.Support;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The Blob REST client against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobClientTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PutGetListWithConditions()
    {
        var blobs = new BlobClient(StoragePipeline.Create(azurite.Account, table: false, null), azurite.Account.BlobServiceUri, AzuriteFixture.UniqueName("c"));
        await blobs.CreateIfNotExistsAsync(default);
        await blobs.CreateIfNotExistsAsync(default);

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
