using FlowFunctions.Functions.Storage;
using FlowFunctions.Functions.Storage.Azure;
using FlowFunctions.Functions.Tests.Support;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The Table REST client against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableClientTests(AzuriteFixture azurite)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(StoragePipeline.Create(azurite.Account, table: true, null), azurite.Account.TableServiceUri, AzuriteFixture.UniqueName("t"));
        await table.CreateIfNotExistsAsync(default);
        await table.CreateIfNotExistsAsync(default); // idempotent
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
        Assert.True(double.IsNaN(read.GetDouble("Nan")));
        Assert.Equal(7, read.GetInt64("Small"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 18, 44, 3, 512, TimeSpan.Zero), read.GetDateTime("When"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, read.GetBinary("Blob"));
        Assert.Equal("O'Brien & \"quotes\" é", read.GetString("Text"));
        Assert.False(string.IsNullOrEmpty(read.ETag));
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
        await table.MergeEntityAsync(new TableEntity("p", "r") { ["M"] = "x" }, v2, default);
        var read = (await table.GetEntityAsync("p", "r", default))!;
        Assert.Equal((2L, "x"), (read.GetInt64("N"), read.GetString("M")));

        await Assert.ThrowsAsync<StoreException>(() => table.DeleteEntityAsync("p", "r", v2, default));
        await table.DeleteEntityAsync("p", "r", read.ETag, default);
        Assert.Null(await table.GetEntityAsync("p", "r", default));
    }

    [Fact]
    public async Task AQueryFollowsContinuationAcrossPages()
    {
        var table = await NewTableAsync();
        for (var chunk = 0; chunk < 25; chunk++)
        {
            var ops = Enumerable.Range(chunk * 100, 100)
                .Select(i => (TableOperation.Add, new TableEntity("p", $"{i:D5}") { ["I"] = (long)i }))
                .ToArray();
            await table.SubmitTransactionAsync(ops, default);
        }

        var pages = 0;
        var rows = new List<long>();
        string? token = null;
        do
        {
            var page = await table.QueryAsync(TableFilter.Equal("PartitionKey", "p"), ["I"], null, token, default);
            pages++;
            rows.AddRange(page.Entities.Select(e => e.GetInt64("I")));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.True(pages >= 3, $"{pages} pages");
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => (long)i), rows);

        var top = await table.QueryAsync(TableFilter.RowRange("p", "00100", "00200"), null, 10, null, default);
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
        var hits = await table.QueryAsync(TableFilter.Equal("Name", hostile), null, null, null, default);
        Assert.Equal("O'Brien", Assert.Single(hits.Entities).RowKey);
        var none = await table.QueryAsync(TableFilter.Equal("RowKey", "zz' or RowKey ne '"), null, null, null, default);
        Assert.Empty(none.Entities);
        Assert.NotNull(await table.GetEntityAsync("p", "O'Brien", default));
        Assert.Throws<ArgumentException>(() => TableFilter.Equal("Name) or (1 eq 1", "x"));
    }

    [Fact]
    public async Task ATransactionIsAllOrNothing()
    {
        var table = await NewTableAsync();
        var etag = await table.AddEntityAsync(new TableEntity("p", "a") { ["N"] = 1L }, default);
        await table.ReplaceEntityAsync(new TableEntity("p", "a") { ["N"] = 2L }, etag, default);

        var failing = new[]
        {
            (TableOperation.Add, new TableEntity("p", "b") { ["N"] = 1L }),
            (TableOperation.Replace, new TableEntity("p", "a") { ["N"] = 9L, ETag = etag }),
        };
        var e = await Assert.ThrowsAsync<StoreException>(() => table.SubmitTransactionAsync(failing, default));
        Assert.Equal(StoreFailure.PreconditionFailed, e.Failure);
        Assert.Equal(1, e.OperationIndex);
        Assert.Null(await table.GetEntityAsync("p", "b", default));
        Assert.Equal(2, (await table.GetEntityAsync("p", "a", default))!.GetInt64("N"));

        var etags = await table.SubmitTransactionAsync([(TableOperation.Add, new TableEntity("p", "b")), (TableOperation.Merge, new TableEntity("p", "c") { ["N"] = 3L })], default);
        Assert.Equal(2, etags.Count);
        Assert.Equal(3, (await table.GetEntityAsync("p", "c", default))!.GetInt64("N"));

        var exists = await Assert.ThrowsAsync<StoreException>(() => table.SubmitTransactionAsync([(TableOperation.Add, new TableEntity("p", "d")), (TableOperation.Add, new TableEntity("p", "e")), (TableOperation.Add, new TableEntity("p", "b"))], default));
        Assert.Equal((StoreFailure.Conflict, 2), (exists.Failure, exists.OperationIndex));
    }
}
