using System.Collections.Concurrent;

namespace FlowFunctions.Storage.Memory;

/// <summary>The delivery log in memory, for the memory store under the Functions host and for tests. Thread-safe.</summary>
public sealed class MemoryDeliveryLog : IDeliveryLog
{
    private readonly ConcurrentDictionary<(string Stream, long First), DeliveryClaim> _claims = new();

    public Task<DeliveryClaim?> FindAsync(string stream, long first, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.TryGetValue((stream, first), out var claim) ? claim : null);

    public Task<DeliveryClaim> AddAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.GetOrAdd((stream, claim.First), Copy(claim)));

    public Task MarkDoneAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken)
    {
        _claims[(stream, claim.First)] = claim.AsDone();
        return Task.CompletedTask;
    }

    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var (key, claim) in _claims)
        {
            if (claim.ClaimedUtc < olderThan && _claims.TryRemove(key, out _))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    /// <summary>The caller's buffer may be reused after the call; the log keeps its own bytes.</summary>
    private static DeliveryClaim Copy(DeliveryClaim claim) => claim with { Payload = claim.Payload.ToArray(), Messages = [.. claim.Messages] };
}
