using System.Xml.Linq;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>A downloaded blob: its bytes and ETag.</summary>
public sealed record BlobContent(BinaryData Data, string ETag);

/// <summary>A listed blob: its name, ETag and last change.</summary>
public sealed record BlobItem(string Name, string ETag, DateTimeOffset LastModified);

/// <summary>
/// One container of the Blob service over its REST API (2021-08-06) on an Azure.Core pipeline: create if missing, put
/// and get block blobs with <c>If-Match</c> / <c>If-None-Match</c>, delete, list by prefix with continuation. Immutable and
/// thread-safe; failures are <see cref="StoreException"/>.
/// </summary>
public sealed class BlobClient(HttpPipeline pipeline, Uri serviceUri, string containerName)
{
    public string Container { get; } = containerName;

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Put, Container, "restype=container");
        using var _ = await StoragePipeline.SendAsync(pipeline, request, cancellationToken, 409);
    }

    /// <summary>
    /// Uploads a block blob. <paramref name="ifMatch"/> makes it a conditional replace, <paramref name="ifNoneMatch"/>
    /// <c>*</c> a create-only; a failed condition is <see cref="StoreFailure.PreconditionFailed"/> (or
    /// <see cref="StoreFailure.Conflict"/> when the blob exists). Returns the new ETag.
    /// </summary>
    public async Task<string> PutAsync(string name, BinaryData data, string contentType, string? ifMatch, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Put, $"{Container}/{EscapePath(name)}", null);
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Headers.SetValue("Content-Type", contentType);
        if (ifMatch is not null)
        {
            request.Headers.SetValue("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch);
        }

        request.Content = RequestContent.Create(data);
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
        return response.Headers.ETag?.ToString() ?? string.Empty;
    }

    /// <summary>The blob, or null when it does not exist.</summary>
    public async Task<BlobContent?> GetAsync(string name, CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Get, $"{Container}/{EscapePath(name)}", null);
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken, 404);
        return response.Status == 404 ? null : new BlobContent(response.Content, response.Headers.ETag?.ToString() ?? string.Empty);
    }

    /// <summary>Deletes a blob; a blob already gone is not an error.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Delete, $"{Container}/{EscapePath(name)}", null);
        using var _ = await StoragePipeline.SendAsync(pipeline, request, cancellationToken, 404);
    }

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, in name order, following continuations.</summary>
    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? marker = null;
        do
        {
            var query = $"restype=container&comp=list&prefix={Uri.EscapeDataString(prefix)}"
                + (marker is null ? string.Empty : "&marker=" + Uri.EscapeDataString(marker));
            using var request = Request(RequestMethod.Get, Container, query);
            using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
            var xml = XDocument.Parse(response.Content.ToString());
            foreach (var blob in xml.Descendants("Blob"))
            {
                var props = blob.Element("Properties");
                yield return new BlobItem(
                    blob.Element("Name")!.Value,
                    props?.Element("Etag")?.Value ?? string.Empty,
                    DateTimeOffset.TryParse(props?.Element("Last-Modified")?.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : default);
            }

            marker = xml.Root?.Element("NextMarker")?.Value;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    private static string EscapePath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    private Request Request(RequestMethod method, string path, string? query)
    {
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri($"{serviceUri.ToString().TrimEnd('/')}/{path}{(string.IsNullOrEmpty(query) ? string.Empty : "?" + query)}"));
        request.Headers.SetValue("x-ms-version", StoragePipeline.BlobVersion);
        return request;
    }
}
