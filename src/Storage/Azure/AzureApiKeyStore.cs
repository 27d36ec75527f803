using FlowFunctions.Storage.Keys;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// API keys in the <c>apikeys</c> table: partition <c>k{first character of the id}</c> (16 partitions for the hex ids
/// keys have, so lookups of
/// made-up keys from every instance spread over them instead of meeting in one), row key = the key's id (a prefix of
/// its keyed hash); properties Hash (binary), Name, Plan, Admin, CreatedUtc, RevokedUtc. Never the key. Rows written
/// before the spread live in the one partition <c>key</c>: a lookup that misses reads there too, and a replace finds
/// them there, so an existing deployment keeps its keys without a migration. Thread-safe.
/// </summary>
public sealed class AzureApiKeyStore(StoreTable table) : IApiKeyStore
{
    /// <summary>The partition of every key written before keys were spread (docs/storage.md).</summary>
    public const string LegacyPartition = "key";

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var entity = await table.GetEntityAsync(PartitionOf(id), id, cancellationToken)
            ?? await table.GetEntityAsync(LegacyPartition, id, cancellationToken);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        if (await table.GetEntityAsync(LegacyPartition, key.Id, cancellationToken) is not null)
        {
            throw new StoreException(StoreFailure.Conflict, $"API key {key.Id} already exists.", 409, "EntityAlreadyExists");
        }

        var etag = await table.AddEntityAsync(ToEntity(key, PartitionOf(key.Id)), cancellationToken);
        return key with { ETag = etag };
    }

    public async Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);

        // With If-Match (even "*") the service refuses a missing entity with 404 rather than inserting it.
        try
        {
            var etag = await table.ReplaceEntityAsync(ToEntity(key, PartitionOf(key.Id)), ifMatch, cancellationToken);
            return key with { ETag = etag };
        }
        catch (StoreException e) when (e.Failure == StoreFailure.NotFound)
        {
            var etag = await table.ReplaceEntityAsync(ToEntity(key, LegacyPartition), ifMatch, cancellationToken);
            return key with { ETag = etag };
        }
    }

    public async Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);

        // Partitions "k" + first character sort as the ids do; the legacy partition "key" sorts between "ke" and "kf".
        var page = await table.QueryAsync($"PartitionKey gt {"k"} and PartitionKey lt {"l"}", null, Math.Clamp(pageSize, 1, 1000), continuationToken, cancellationToken);
        return new Page<ApiKeyRecord>(page.Entities.Select(ToRecord).ToArray(), page.ContinuationToken);
    }

    /// <summary>The partition of a key id: <c>k</c> and its first character (a hex digit for every key the app makes).</summary>
    public static string PartitionOf(string id) => "k" + (id.Length > 0 ? id[0] : '0');

    private static TableEntity ToEntity(ApiKeyRecord key, string partition)
    {
        var entity = new TableEntity(partition, key.Id)
        {
            ["Hash"] = key.Hash,
            ["Name"] = key.Name,
            ["Plan"] = key.Plan.Name(),
            ["Admin"] = key.IsAdmin,
            ["CreatedUtc"] = key.CreatedUtc,
        };
        if (key.RevokedUtc is { } revoked)
        {
            entity["RevokedUtc"] = revoked;
        }

        return entity;
    }

    private static ApiKeyRecord ToRecord(TableEntity e) => new(
        e.RowKey,
        e.GetBinary("Hash") ?? [],
        e.GetString("Name") ?? string.Empty,
        Plans.TryParse(e.GetString("Plan"), out var plan) ? plan : Plan.Free,
        e.GetBoolean("Admin") ?? false,
        e.GetDateTimeOffset("CreatedUtc") ?? DateTimeOffset.UnixEpoch,
        RevokedAt(e),
        StoreTable.ETagOf(e));

    /// <summary>
    /// Revocation fails closed: a key is revoked when <c>RevokedUtc</c> holds any value, whatever its type (Storage
    /// Explorer and the portal write strings; a hand-edited row may hold anything). The time is the value when it is
    /// a date (or a string that parses as one), else the Unix epoch: revoked, time unknown.
    /// </summary>
    internal static DateTimeOffset? RevokedAt(TableEntity e) => e.TryGetValue("RevokedUtc", out var value) ? value switch
    {
        null => null,
        DateTimeOffset at => at,
        DateTime at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
        string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) => at,
        _ => DateTimeOffset.UnixEpoch,
    } : null;
}
