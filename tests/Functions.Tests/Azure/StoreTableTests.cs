using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// The stores' table on the SDK's <see cref="TableClient"/> against Azurite: types survive, conditions and
/// transactions fail as the store's own exception with the meaning and index, filters are escaped by the SDK.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class StoreTableTests(AzuriteFixture azurite)
{
    private async Task<StoreTable> NewTableAsync()
    {
        var table = AzureTestClients.Table(azurite, "t");
        await table.EnsureCreatedAsync(default);
        await table.EnsureCreatedAsync(default); // once per process
        return table;
    }

    [Fact]
    public async Task TypedPropertiesRoundTripIncludingInt64BeyondTwoToThe53()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("p", "r")
        {
            ["Big"] = (1L << 53) + 1,
            ["Min"] = long.MinValue,
            ["Ratio"] = 0.1,
            ["Whole"] = 5.0,
            ["Nan"] = double.NaN,
            ["Small"] = 7,
            ["Flag"] = true,
            ["When"] = new DateTimeOffset(2026, 6, 5, 18, 44, 3, 512, TimeSpan.Zero),
            ["Blob"] = new byte[] { 0, 1, 2, 255 },
            ["Text"] = "O'Brien & \"quotes\" é",
        };
        await table.AddEntityAsync(entity, default);
        var read = (await table.GetEntityAsync("p", "r", default))!;
        Assert.Equal((1L << 53) + 1, read.GetInt64("Big"));
        Assert.Equal(long.MinValue, read.GetInt64("Min"));
        Assert.Equal(0.1, read.GetDouble("Ratio"));
        Assert.Equal(5.0, read.GetDouble("Whole"));
        Assert.True(double.IsNaN(read.GetDouble("Nan")!.Value));
        Assert.Equal(7, read.GetInt32("Small"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 18, 44, 3, 512, TimeSpan.Zero), read.GetDateTimeOffset("When"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, read.GetBinary("Blob"));
        Assert.Equal("O'Brien & \"quotes\" é", read.GetString("Text"));
        Assert.False(string.IsNullOrEmpty(StoreTable.ETagOf(read)));
    }

    [Fact]
    public async Task WritesAreConditionalOnTheETag()
    {
        var table = await NewTableAsync();
        var v1 = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1L }, default);
        var conflict = await Assert.ThrowsAsync<StoreException>(() => table.AddEntityAsync(new TableEntity("p", "r"), default));
        Assert.Equal((StoreFailure.Conflict, 409), (conflict.Failure, conflict.Status));

        var v2 = await table.ReplaceEntityAsync(new TableEntity("p", "r") { ["N"] = 2L }, v1, default);
        var stale = await Assert.ThrowsAsync<StoreException>(() => table.ReplaceEntityAsync(new TableEntity("p", "r") { ["N"] = 3L }, v1, default));
        Assert.Equal((StoreFailure.PreconditionFailed, 412), (stale.Failure, stale.Status));
        var missing = await Assert.ThrowsAsync<StoreException>(() => table.ReplaceEntityAsync(new TableEntity("p", "none"), "*", default));
        Assert.Equal(StoreFailure.NotFound, missing.Failure);
        var read = (await table.GetEntityAsync("p", "r", default))!;
        Assert.Equal((2L, v2), (read.GetInt64("N"), StoreTable.ETagOf(read)));

        var staleDelete = await Assert.ThrowsAsync<StoreException>(() => table.DeleteEntityAsync("p", "r", v1, default));
        Assert.Equal(StoreFailure.PreconditionFailed, staleDelete.Failure);
        await table.DeleteEntityAsync("p", "r", v2, default);
        Assert.Null(await table.GetEntityAsync("p", "r", default));
        await table.DeleteEntityAsync("p", "r", "*", default); // already gone: no error
    }

    [Fact]
    public async Task AQueryFollowsContinuationAcrossPages()
    {
        var table = await NewTableAsync();
        for (var chunk = 0; chunk < 25; chunk++)
        {
            var ops = Enumerable.Range(chunk * 100, 100)
                .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"{i:D5}") { ["I"] = (long)i }))
                .ToArray();
            await table.SubmitTransactionAsync(ops, default);
        }

        var pages = 0;
        var rows = new List<long>();
        string? token = null;
        do
        {
            var page = await table.QueryAsync($"PartitionKey eq {"p"}", ["I"], 1000, token, default);
            pages++;
            rows.AddRange(page.Entities.Select(e => e.GetInt64("I")!.Value));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.True(pages >= 3, $"{pages} pages");
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => (long)i), rows);

        var top = await table.QueryAsync($"PartitionKey eq {"p"} and RowKey ge {"00100"} and RowKey lt {"00200"}", null, 10, null, default);
        Assert.Equal(10, top.Entities.Count);
        Assert.NotNull(top.ContinuationToken);
    }

    [Fact]
    public async Task FilterValuesWithQuotesAreEscapedNotInjected()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "O'Brien") { ["Name"] = "x' or '1' eq '1" }, default);
        await table.AddEntityAsync(new TableEntity("p", "other"), default);
        var hostile = "x' or '1' eq '1";
        var hits = await table.QueryAsync($"Name eq {hostile}", null, 1000, null, default);
        Assert.Equal("O'Brien", Assert.Single(hits.Entities).RowKey);
        var injected = "zz' or RowKey ne '";
        var none = await table.QueryAsync($"RowKey eq {injected}", null, 1000, null, default);
        Assert.Empty(none.Entities);
        Assert.NotNull(await table.GetEntityAsync("p", "O'Brien", default));
    }

    [Fact]
    public async Task ATransactionIsAllOrNothing()
    {
        var table = await NewTableAsync();
        var etag = await table.AddEntityAsync(new TableEntity("p", "a") { ["N"] = 1L }, default);
        await table.ReplaceEntityAsync(new TableEntity("p", "a") { ["N"] = 2L }, etag, default);

        var failing = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b") { ["N"] = 1L }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "a") { ["N"] = 9L }, new ETag(etag)),
        };
        var e = await Assert.ThrowsAsync<StoreException>(() => table.SubmitTransactionAsync(failing, default));
        Assert.Equal(StoreFailure.PreconditionFailed, e.Failure);
        Assert.Equal(1, e.OperationIndex);
        Assert.Null(await table.GetEntityAsync("p", "b", default));
        Assert.Equal(2, (await table.GetEntityAsync("p", "a", default))!.GetInt64("N"));

        var etags = await table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p", "b")), new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "c") { ["N"] = 3L })], default);
        Assert.Equal(2, etags.Count);
        Assert.All(etags, e => Assert.False(string.IsNullOrEmpty(e)));
        Assert.Equal(etags[1], StoreTable.ETagOf((await table.GetEntityAsync("p", "c", default))!));
        Assert.Equal(3, (await table.GetEntityAsync("p", "c", default))!.GetInt64("N"));

        var exists = await Assert.ThrowsAsync<StoreException>(() => table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p", "d")), new(TableTransactionActionType.Add, new TableEntity("p", "e")), new(TableTransactionActionType.Add, new TableEntity("p", "b"))], default));
        Assert.Equal((StoreFailure.Conflict, 2), (exists.Failure, exists.OperationIndex));
    }
}
