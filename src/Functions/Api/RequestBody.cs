using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// Reads a request body into memory up to a limit, for every route that takes one (the ingest endpoint and the
/// host's trigger invocations). The server's own body limit is raised to match, so the route's limit is the one that
/// applies; a body over it is refused without being read further.
/// </summary>
public static class RequestBody
{
    /// <summary>The whole body, or null when it is larger than <paramref name="max"/> bytes (by Content-Length or by what arrived).</summary>
    public static async Task<MemoryStream?> ReadAsync(HttpContext context, int max, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > max)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = (long)max + 1;
        }

        var body = new MemoryStream((int)Math.Min(request.ContentLength ?? 64 * 1024, max));
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > max)
                {
                    await body.DisposeAsync();
                    return null;
                }

                body.Write(chunk, 0, read);
            }

            return body;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The bytes a stream from <see cref="ReadAsync"/> holds, without a copy.</summary>
    public static ReadOnlyMemory<byte> Bytes(MemoryStream body) => body.GetBuffer().AsMemory(0, (int)body.Length);
}
