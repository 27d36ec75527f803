using FlowFunctions.Storage.Keys;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// API keys in the <c>apikeys</c> table: partition <c>key</c>, row key = the key's id (a prefix of its keyed hash);
/// properties Hash (binary), Name, Plan, Admin, CreatedUtc, RevokedUtc. Never the key. Thread-safe.
/// </summary>
public sealed class AzureApiKeyStore(StoreTable table) : IApiKeyStore
{
    private const string Partition = "key";
    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var entity = await table.GetEntityAsync(Partition, id, cancellationToken);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var etag = await table.AddEntityAsync(ToEntity(key), cancellationToken);
        return key with { ETag = etag };
    }

    public async Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);

        // With If-Match (even "*") the service refuses a missing entity with 404 rather than inserting it.
        var etag = await table.ReplaceEntityAsync(ToEntity(key), ifMatch, cancellationToken);
        return key with { ETag = etag };
    }

    public async Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var page = await table.QueryAsync($"PartitionKey eq {Partition}", null, Math.Clamp(pageSize, 1, 1000), continuationToken, cancellationToken);
        return new Page<ApiKeyRecord>(page.Entities.Select(ToRecord).ToArray(), page.ContinuationToken);
    }

    private static TableEntity ToEntity(ApiKeyRecord key)
    {
        var entity = new TableEntity(Partition, key.Id)
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
