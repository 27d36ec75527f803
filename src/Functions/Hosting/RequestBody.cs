using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Reads a request body into memory up to a limit, for every route that takes one (the ingest endpoint and the
/// host's trigger invocations). The server's own body limit is raised to match, so the route's limit is the one that
/// applies; a body over it is refused without being read further, or handed back as a stream
/// (<see cref="ReadOrStreamAsync"/>) for a caller that must keep it.
/// </summary>
public static class RequestBody
{
    /// <summary>The whole body, or null when it is larger than <paramref name="max"/> bytes (by Content-Length or by what arrived).</summary>
    public static async Task<MemoryStream?> ReadAsync(HttpContext context, int max, CancellationToken cancellationToken) =>
        (await ReadCoreAsync(context, max, keepOverflow: false, cancellationToken)).Body;

    /// <summary>
    /// The whole body when it is at most <paramref name="max"/> bytes; otherwise <c>Body</c> is null and
    /// <c>Overflow</c> reads the whole body once, from its first byte (what was already read, then the rest as it
    /// arrives), with no server limit on its length. Only for callers that trust the sender (the Functions host).
    /// </summary>
    public static Task<(MemoryStream? Body, Stream? Overflow)> ReadOrStreamAsync(HttpContext context, int max, CancellationToken cancellationToken) =>
        ReadCoreAsync(context, max, keepOverflow: true, cancellationToken);

    /// <summary>The bytes a stream from <see cref="ReadAsync"/> holds, without a copy.</summary>
    public static ReadOnlyMemory<byte> Bytes(MemoryStream body) => body.GetBuffer().AsMemory(0, (int)body.Length);

    private static async Task<(MemoryStream? Body, Stream? Overflow)> ReadCoreAsync(HttpContext context, int max, bool keepOverflow, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = keepOverflow ? null : (long)max + 1;
        }

        if (request.ContentLength > max)
        {
            return (null, keepOverflow ? request.Body : null);
        }

        var body = new MemoryStream((int)Math.Min(request.ContentLength ?? 64 * 1024, max));
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > max && !keepOverflow)
                {
                    await body.DisposeAsync();
                    return (null, null);
                }

                body.Write(chunk, 0, read);
                if (body.Length > max)
                {
                    body.Position = 0;
                    return (null, new ConcatenatedStream(body, request.Body));
                }
            }

            return (body, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reads one stream to its end, then the other; disposes the first (the part held in memory) with itself.</summary>
    private sealed class ConcatenatedStream(Stream first, Stream rest) : FlowFunctions.Storage.ForwardOnlyStream
    {
        private bool _firstDone;

        public override int Read(Span<byte> buffer) => throw new NotSupportedException("read asynchronously");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_firstDone)
            {
                var n = await first.ReadAsync(buffer, cancellationToken);
                if (n > 0 || buffer.Length == 0)
                {
                    return n;
                }

                _firstDone = true;
            }

            return await rest.ReadAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                first.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
