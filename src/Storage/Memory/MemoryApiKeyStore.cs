namespace FlowFunctions.Storage.Memory;

/// <summary>API keys in memory with Table semantics: conditional replace on ETag, listing in id order with paging. Thread-safe.</summary>
public sealed class MemoryApiKeyStore : IApiKeyStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly ETags _etags = new();

    public Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_keys.GetValueOrDefault(id));
        }
    }

    public Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_keys.ContainsKey(key.Id))
            {
                throw new StoreException(StoreFailure.Conflict, $"API key {key.Id} already exists.", 409, "EntityAlreadyExists");
            }

            var stored = key with { ETag = _etags.Next() };
            _keys[key.Id] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(key.Id, out var held))
            {
                throw new StoreException(StoreFailure.NotFound, $"API key {key.Id} does not exist.", 404, "ResourceNotFound");
            }

            if (ifMatch != "*" && held.ETag != ifMatch)
            {
                throw new StoreException(StoreFailure.PreconditionFailed, $"API key {key.Id} changed since it was read.", 412, "UpdateConditionNotSatisfied");
            }

            var stored = key with { ETag = _etags.Next() };
            _keys[key.Id] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, 1000);
        lock (_gate)
        {
            var items = new List<ApiKeyRecord>(pageSize);
            string? next = null;
            foreach (var (id, key) in _keys)
            {
                if (continuationToken is not null && string.CompareOrdinal(id, continuationToken) <= 0)
                {
                    continue;
                }

                if (items.Count == pageSize)
                {
                    next = items[^1].Id;
                    break;
                }

                items.Add(key);
            }

            return Task.FromResult(new Page<ApiKeyRecord>(items, next));
        }
    }
}
