using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace FlowFunctions.Storage.Azure;

/// <summary>A downloaded blob: its bytes and ETag.</summary>
public sealed record DownloadedBlob(BinaryData Data, string ETag);

/// <summary>A listed blob: its name, ETag and last change.</summary>
public sealed record ListedBlob(string Name, string ETag, DateTimeOffset LastModified);

/// <summary>
/// One container through the official SDK's <see cref="BlobContainerClient"/>, as the stores use it: block blobs put
/// with <c>If-Match</c> / <c>If-None-Match</c> (<see cref="BlobRequestConditions"/>), a missing blob as null, every
/// failure as <see cref="StoreException"/> (<see cref="StoreErrors"/>). The container is created once per process on
/// first use. Immutable and thread-safe.
/// </summary>
public sealed class StoreContainer
{
    private readonly StorageReady _ready;

    public StoreContainer(BlobContainerClient client)
    {
        Client = client;
        _ready = new StorageReady(ct => StoreErrors.Guard(() => client.CreateIfNotExistsAsync(cancellationToken: ct), $"create container {client.Name}", ct));
    }

    private BlobContainerClient Client { get; }

    public string Name => Client.Name;

    /// <summary>Creates the container if this process has not yet; a failure is retried by the next call.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => _ready.EnsureAsync(cancellationToken);

    /// <summary>
    /// Uploads a block blob in one request. <paramref name="ifMatch"/> makes it a conditional replace,
    /// <paramref name="ifNoneMatch"/> <c>*</c> a create-only; a failed condition is
    /// <see cref="StoreFailure.PreconditionFailed"/> (or <see cref="StoreFailure.Conflict"/> when the blob exists).
    /// Returns the new ETag.
    /// </summary>
    public async Task<string> PutAsync(string name, BinaryData data, string contentType, string? ifMatch, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Conditions = new BlobRequestConditions
            {
                IfMatch = ifMatch is null ? null : new ETag(ifMatch),
                IfNoneMatch = ifNoneMatch is null ? null : new ETag(ifNoneMatch),
            },
        };
        var response = await StoreErrors.Guard(() => Client.GetBlobClient(name).UploadAsync(data, options, cancellationToken), $"PUT {Name}/{name}", cancellationToken);
        return response.Value.ETag.ToString();
    }

    /// <summary>Largest block a streamed upload holds in memory at once (<see cref="UploadStreamAsync"/>).</summary>
    public const int StreamBlockBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Uploads a stream of any length as a block blob, create-only: read forward once, staged in blocks of
    /// <see cref="StreamBlockBytes"/> one at a time (so at most one block is in memory), then committed. A blob already
    /// there is <see cref="StoreFailure.Conflict"/> or <see cref="StoreFailure.PreconditionFailed"/>.
    /// </summary>
    public Task UploadStreamAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            TransferOptions = new global::Azure.Storage.StorageTransferOptions
            {
                InitialTransferSize = StreamBlockBytes,
                MaximumTransferSize = StreamBlockBytes,
                MaximumConcurrency = 1,
            },
        };
        return StoreErrors.Guard(() => Client.GetBlobClient(name).UploadAsync(content, options, cancellationToken), $"PUT {Name}/{name} (streamed)", cancellationToken);
    }

    /// <summary>The blob, or null when it does not exist.</summary>
    public async Task<DownloadedBlob?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await StoreErrors.Guard(() => Client.GetBlobClient(name).DownloadContentAsync(cancellationToken), $"GET {Name}/{name}", cancellationToken);
            return new DownloadedBlob(response.Value.Content, response.Value.Details.ETag.ToString());
        }
        catch (StoreException e) when (e.Failure == StoreFailure.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes a blob; a blob already gone is not an error.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        StoreErrors.Guard(() => Client.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken), $"DELETE {Name}/{name}", cancellationToken);

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, in name order, following continuations.</summary>
    public async IAsyncEnumerable<ListedBlob> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await StoreErrors.Guard(
                async () =>
                {
                    await foreach (var p in Client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken).AsPages(token, 1000))
                    {
                        return p;
                    }

                    return null;
                },
                $"list {Name}",
                cancellationToken);
            if (page is null)
            {
                yield break;
            }

            foreach (var item in page.Values)
            {
                yield return new ListedBlob(item.Name, item.Properties.ETag?.ToString() ?? string.Empty, item.Properties.LastModified ?? DateTimeOffset.MinValue);
            }

            token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (token is not null);
    }
}
