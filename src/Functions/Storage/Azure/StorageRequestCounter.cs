using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// A pipeline policy that counts the storage requests a client sends (each one a billed storage transaction; an
/// entity-group transaction is one), for the cost benchmark and the tests that hold the stores to their request
/// budgets. Add it per call (before retries) to count logical requests. Thread-safe.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _requests);
}
