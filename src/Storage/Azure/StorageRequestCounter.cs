using System.Collections.Concurrent;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// A pipeline policy that counts the storage requests a client sends (each one a billed storage transaction; an
/// entity-group transaction is one), in total and by kind (<c>table transaction</c>, <c>table read</c>,
/// <c>table write</c>, <c>blob read</c>, <c>blob write</c>), for the cost benchmark and the tests that hold the stores
/// to their request budgets, and the bytes of their bodies (what goes over the wire, JSON and multipart framing and
/// base64 included). Add it per call (before retries) to count logical requests. Thread-safe.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private long _requests;
    private long _bodyBytes;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Bytes of the request bodies sent.</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public IReadOnlyDictionary<string, long> ByKind => new SortedDictionary<string, long>(_byKind, StringComparer.Ordinal);

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _bodyBytes, 0);
        _byKind.Clear();
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref _requests);
        var request = message.Request;
        if (request.Content is { } content && content.TryComputeLength(out var length))
        {
            Interlocked.Add(ref _bodyBytes, length);
        }

        var service = IsTable(request) ? "table" : "blob";
        var kind = request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)
            ? "table transaction"
            : $"{service} {(request.Method == RequestMethod.Get || request.Method == RequestMethod.Head ? "read" : "write")}";
        _byKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    /// <summary>Whether a request goes to the Table service: the Table SDK sends the OData <c>DataServiceVersion</c> header on every request, the Blob SDK never.</summary>
    internal static bool IsTable(Request request) => request.Headers.TryGetValue("DataServiceVersion", out _);
}
