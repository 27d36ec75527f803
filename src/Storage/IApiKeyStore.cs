using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Storage;

/// <summary>
/// A stored API key: never the key itself, only its keyed hash (<see cref="ApiKeyHasher"/>). <see cref="Id"/> is
/// derived from the hash and is the lookup key; <see cref="Hash"/> is compared in constant time.
/// </summary>
public sealed record ApiKeyRecord(
    string Id,
    byte[] Hash,
    string Name,
    Plan Plan,
    bool IsAdmin,
    DateTimeOffset CreatedUtc,
    DateTimeOffset? RevokedUtc = null,
    string ETag = "")
{
    public bool IsRevoked => RevokedUtc is not null;
}

/// <summary>One page of a listing and the token for the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>API keys by id. Thread-safe; writes are conditional on ETags.</summary>
public interface IApiKeyStore
{
    Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stores a new key; <see cref="StoreFailure.Conflict"/> when the id exists. Returns it with its ETag.</summary>
    Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a key if its stored ETag still equals <paramref name="ifMatch"/>
    /// (<see cref="StoreFailure.PreconditionFailed"/> otherwise, <see cref="StoreFailure.NotFound"/> when gone).
    /// </summary>
    Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Keys in ascending id order, <paramref name="pageSize"/> at a time.</summary>
    Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken);
}
