using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>A page of a query and the continuation to the next (null on the last).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? ContinuationToken);

/// <summary>
/// One table through the official SDK's <see cref="TableClient"/>, as the stores use it: ETags as strings (empty =
/// not known to exist), a missing entity as null, filters only through <see cref="TableClient.CreateQueryFilter"/>, and
/// every failure as <see cref="StoreException"/> (<see cref="StoreErrors"/>). The table is created once per process on
/// first use. Immutable and thread-safe.
/// </summary>
public sealed class StoreTable
{
    /// <summary>Most operations one entity-group transaction may hold (the service's limit).</summary>
    public const int MaxTransactionSize = 100;

    private readonly StorageReady _ready;

    public StoreTable(TableClient client)
    {
        Client = client;
        _ready = new StorageReady(ct => StoreErrors.Guard(() => client.CreateIfNotExistsAsync(ct), $"create table {client.Name}", ct));
    }

    private TableClient Client { get; }

    public string Name => Client.Name;

    /// <summary>Creates the table if this process has not yet; a failure is retried by the next call.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => _ready.EnsureAsync(cancellationToken);

    public async Task<TableEntity?> GetEntityAsync(string partitionKey, string rowKey, CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        var response = await StoreErrors.Guard(() => Client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken), $"GET {Name}", cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Inserts; <see cref="StoreFailure.Conflict"/> when it exists. Returns the new ETag.</summary>
    public async Task<string> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var response = await StoreErrors.Guard(() => Client.AddEntityAsync(entity, cancellationToken), $"insert into {Name}", cancellationToken);
        return ETagOf(response);
    }

    /// <summary>
    /// Replaces when <paramref name="ifMatch"/> matches (<c>*</c>: any existing entity; a missing one is
    /// <see cref="StoreFailure.NotFound"/>); null inserts or replaces. Returns the new ETag.
    /// </summary>
    public async Task<string> ReplaceEntityAsync(TableEntity entity, string? ifMatch, CancellationToken cancellationToken)
    {
        var response = await StoreErrors.Guard(
            () => ifMatch is null
                ? Client.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken)
                : Client.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken),
            $"replace in {Name}",
            cancellationToken);
        return ETagOf(response);
    }

    /// <summary>Deletes when <paramref name="ifMatch"/> matches (<c>*</c>: any); an entity already gone is not an error.</summary>
    public Task DeleteEntityAsync(string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken) =>
        StoreErrors.Guard(() => Client.DeleteEntityAsync(partitionKey, rowKey, new ETag(ifMatch), cancellationToken), $"delete from {Name}", cancellationToken);

    /// <summary>One page of at most <paramref name="top"/> entities from <paramref name="continuationToken"/>.</summary>
    public async Task<TablePage> QueryAsync(FormattableString filter, IEnumerable<string>? select, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = Client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(filter), top, select, cancellationToken);
        return await StoreErrors.Guard(
            async () =>
            {
                await foreach (var page in query.AsPages(continuationToken, top))
                {
                    return new TablePage(page.Values, page.ContinuationToken);
                }

                return new TablePage([], null);
            },
            $"query {Name}",
            cancellationToken);
    }

    /// <summary>Every entity that matches, following continuations.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(FormattableString filter, IEnumerable<string>? select, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await QueryAsync(filter, select, 1000, token, cancellationToken);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>
    /// Submits an entity-group transaction (one partition, at most 100 operations, all or nothing) and returns each
    /// operation's new ETag (empty for a delete). A failed operation fails the whole transaction as a
    /// <see cref="StoreException"/> naming its index.
    /// </summary>
    public async Task<IReadOnlyList<string>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var response = await StoreErrors.Guard(() => Client.SubmitTransactionAsync(actions, cancellationToken), $"transaction on {Name}", cancellationToken);
        return [.. response.Value.Select(ETagOf)];
    }

    /// <summary>An entity's ETag as the stores keep it: empty when it has none.</summary>
    public static string ETagOf(ITableEntity entity) => entity.ETag == default ? string.Empty : entity.ETag.ToString();

    private static string ETagOf(Response response) => response.Headers.ETag is { } etag ? etag.ToString() : string.Empty;
}
