using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using global::Azure.Data.Tables;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// The Table service's limits, which Azurite does not enforce, checked before a write is sent (<see cref="AzureLimits"/>):
/// each one refused at one past its limit and accepted at it.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureLimitsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AnEntityIsRefusedPastOneMebibyteByTheServicesFormula()
    {
        var storage = azurite.Account.Storage();
        var table = storage.Table(AzuriteFixture.UniqueName("lim"));
        await table.EnsureCreatedAsync(default);

        // 4 + 2 × (1 + 1) for the keys, then per property 8 + 2 × 3 (name "pNN") + 4 + value bytes.
        const int properties = 16;
        var overhead = 4 + (2 * 2) + (properties * (8 + 6 + 4));
        var room = AzureLimits.MaxEntityBytes - overhead;
        var fits = Entity(properties, room / properties, room % properties);
        await table.AddEntityAsync(fits, default);
        Assert.Equal(AzureLimits.MaxEntityBytes, storage.Limits!.LargestEntityBytes);

        var over = Entity(properties, room / properties, (room % properties) + 1);
        var e = await Assert.ThrowsAsync<AzureLimitException>(() => table.AddEntityAsync(over, default));
        Assert.Contains($"{AzureLimits.MaxEntityBytes + 1} bytes", e.Message, StringComparison.Ordinal);
        Assert.Single(storage.Limits.Violations);
    }

    [Fact]
    public async Task APropertyPast64KiBOrMoreThan252PropertiesAreRefused()
    {
        var storage = azurite.Account.Storage();
        var table = storage.Table(AzuriteFixture.UniqueName("lim"));
        await table.EnsureCreatedAsync(default);

        await table.AddEntityAsync(new TableEntity("p", "binary") { ["b"] = new byte[AzureLimits.MaxPropertyBytes] }, default);
        await Assert.ThrowsAsync<AzureLimitException>(() => table.AddEntityAsync(new TableEntity("p", "binary2") { ["b"] = new byte[AzureLimits.MaxPropertyBytes + 1] }, default));
        await table.AddEntityAsync(new TableEntity("p", "text") { ["s"] = new string('x', AzureLimits.MaxPropertyBytes / 2) }, default);
        await Assert.ThrowsAsync<AzureLimitException>(() => table.AddEntityAsync(new TableEntity("p", "text2") { ["s"] = new string('x', (AzureLimits.MaxPropertyBytes / 2) + 1) }, default));

        var many = new TableEntity("p", "many");
        for (var i = 0; i < AzureLimits.MaxOwnProperties; i++)
        {
            many[$"p{i}"] = (long)i;
        }

        await table.AddEntityAsync(many, default);
        many.RowKey = "many2";
        many["one_more"] = 1L;
        await Assert.ThrowsAsync<AzureLimitException>(() => table.AddEntityAsync(many, default));
        Assert.Equal(3, storage.Limits!.Violations.Count);
    }

    [Fact]
    public async Task ATransactionIsRefusedPastOneHundredOperationsOrFourMebibytes()
    {
        var storage = azurite.Account.Storage();
        var table = storage.Table(AzuriteFixture.UniqueName("lim"));
        await table.EnsureCreatedAsync(default);

        await table.SubmitTransactionAsync([.. Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}")))], default);
        var e = await Assert.ThrowsAsync<AzureLimitException>(() => table.SubmitTransactionAsync(
            [.. Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"s{i:D3}")))], default));
        Assert.Contains("101 operations", e.Message, StringComparison.Ordinal);

        // Five entities of 15 properties of 60,000 bytes: each under 1 MiB, together over 4 MiB once base64-encoded.
        var heavy = Enumerable.Range(0, 5).Select(i =>
        {
            var entity = new TableEntity("p", $"h{i}");
            for (var k = 0; k < 15; k++)
            {
                entity[$"c{k}"] = new byte[60_000];
            }

            return new TableTransactionAction(TableTransactionActionType.Add, entity);
        }).ToArray();
        var body = await Assert.ThrowsAsync<AzureLimitException>(() => table.SubmitTransactionAsync(heavy, default));
        Assert.Contains("transaction body", body.Message, StringComparison.Ordinal);
        Assert.Null(await table.GetEntityAsync("p", "h0", default)); // nothing was sent
    }

    private static TableEntity Entity(int properties, int each, int extra)
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < properties; i++)
        {
            entity[$"p{i:D2}"] = new byte[each + (i == 0 ? extra : 0)];
        }

        return entity;
    }
}
