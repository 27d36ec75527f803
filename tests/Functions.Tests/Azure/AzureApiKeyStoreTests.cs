using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The key rows as an operator may leave them: revocation fails closed, whatever type RevokedUtc holds.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureApiKeyStoreTests(AzuriteFixture azurite)
{
    public static TheoryData<string, object?, bool> RevokedValues => new()
    {
        { "a date", DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), true },
        { "a date as text (Storage Explorer, the portal)", "2026-11-30T12:00:00Z", true },
        { "text that is no date", "yes", true },
        { "an empty string", string.Empty, true },
        { "a number", 1, true },
        { "a boolean", false, true },
        { "nothing", null, false },
    };

    [Theory]
    [MemberData(nameof(RevokedValues))]
    public async Task AnyValueInRevokedUtcRevokesTheKey(string what, object? revoked, bool expected)
    {
        var table = AzureTestClients.Table(azurite, "revoked");
        var store = new AzureApiKeyStore(table);
        var key = ApiKeyHasher.NewKey();
        var digest = new ApiKeyHasher(new byte[32]).Digest(key);
        await store.CreateAsync(new(digest.Id, digest.Hash, "operator-edited", Plan.Alpha, false, DateTimeOffset.UnixEpoch), default);
        var row = await table.GetEntityAsync(AzureApiKeyStore.PartitionOf(digest.Id), digest.Id, default);
        Assert.NotNull(row);
        if (revoked is not null)
        {
            row["RevokedUtc"] = revoked;
        }

        await table.ReplaceEntityAsync(row, "*", default);
        var found = await store.FindAsync(digest.Id, default);
        Assert.True(found!.IsRevoked == expected, $"RevokedUtc holding {what}");
    }

    [Fact]
    public async Task KeysWrittenBeforeTheSpreadAreFoundRevokedAndListed()
    {
        var table = AzureTestClients.Table(azurite, "legacy");
        var store = new AzureApiKeyStore(table);
        var digest = new ApiKeyHasher(new byte[32]).Digest(ApiKeyHasher.NewKey());
        var created = await store.CreateAsync(new(digest.Id, digest.Hash, "old", Plan.Growth, false, DateTimeOffset.UnixEpoch), default);

        // Move the row where every key lived before keys were spread over partitions.
        var row = (await table.GetEntityAsync(AzureApiKeyStore.PartitionOf(digest.Id), digest.Id, default))!;
        await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, "*", default);
        row.PartitionKey = AzureApiKeyStore.LegacyPartition;
        await table.AddEntityAsync(row, default);

        var found = await store.FindAsync(digest.Id, default);
        Assert.Equal("old", found!.Name);
        await Assert.ThrowsAsync<StoreException>(() => store.CreateAsync(created, default)); // the id exists
        await store.ReplaceAsync(found with { RevokedUtc = DateTimeOffset.UnixEpoch }, found.ETag, default);
        Assert.True((await store.FindAsync(digest.Id, default))!.IsRevoked);
        Assert.Contains((await store.ListAsync(100, null, default)).Items, k => k.Id == digest.Id);
    }
}
