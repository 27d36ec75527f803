using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Dead letters as blobs in the <c>deadletters</c> container, one per rejected part of a batch:
/// <c>{yyyy-MM-dd}/{hash of the batch id}.json</c> holding the batch id, when it arrived, and each refused event
/// with its index, reason and raw text. Written create-only, so a redelivered batch leaves one letter, not two. A
/// whole input (<see cref="WriteWholeAsync"/>) goes, streamed, to <c>whole/{yyyy-MM-dd}/{hash of the batch id}</c>
/// first, and its letter names it (docs/reliability.md, "Invocations that can never succeed").
/// </summary>
public sealed class AzureDeadLetterStore(StoreContainer blobs) : IDeadLetterStore
{
    /// <summary>Where whole inputs go in the container; letters are everywhere else.</summary>
    public const string WholePrefix = "whole/";

    public async Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var name = $"{letter.ReceivedUtc:yyyy-MM-dd}/{NameOf(letter.BatchId)}.json";
        try
        {
            await blobs.PutAsync(name, BinaryData.FromBytes(Serialize(letter)), "application/json", null, "*", cancellationToken);
        }
        catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.PreconditionFailed)
        {
            // Already written by an earlier delivery of the same batch.
        }
    }

    public async Task<DeadLetter> WriteWholeAsync(string batchId, DateTimeOffset receivedUtc, string reason, Stream content, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var name = $"{WholePrefix}{receivedUtc:yyyy-MM-dd}/{NameOf(batchId)}";
        using var tap = new TappedStream(content, IDeadLetterStore.ExcerptBytes);
        try
        {
            await blobs.UploadStreamAsync(name, tap, "application/octet-stream", cancellationToken);
        }
        catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.PreconditionFailed)
        {
            // Stored by an earlier delivery of the same input (same batch id): the rest is read so the hash is whole.
            await tap.CopyToAsync(Stream.Null, cancellationToken);
        }

        var letter = tap.Letter(batchId, receivedUtc, reason, $"{blobs.Name}/{name}");
        await WriteAsync(letter, cancellationToken);
        return letter;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListRecentAsync(int max, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var items = new List<ListedBlob>();
        await foreach (var item in blobs.ListAsync(string.Empty, cancellationToken))
        {
            if (!item.Name.StartsWith(WholePrefix, StringComparison.Ordinal))
            {
                items.Add(item);
            }
        }

        var letters = new List<DeadLetter>();
        foreach (var item in items.OrderByDescending(i => i.LastModified).Take(Math.Max(0, max)))
        {
            if (await blobs.GetAsync(item.Name, cancellationToken) is { } blob)
            {
                letters.Add(Deserialize(blob.Data.ToMemory().Span));
            }
        }

        return letters;
    }

    private static byte[] Serialize(DeadLetter letter)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("batchId", letter.BatchId);
            w.WriteString("receivedUtc", letter.ReceivedUtc);
            w.WriteStartArray("events");
            foreach (var e in letter.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("index", e.Index);
                w.WriteString("reason", e.Reason);
                w.WriteString("raw", e.Raw);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (letter.Content is { } content)
            {
                w.WriteStartObject("content");
                w.WriteString("location", content.Location);
                w.WriteNumber("bytes", content.Bytes);
                w.WriteString("sha256", content.Sha256);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static DeadLetter Deserialize(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        var events = root.GetProperty("events").EnumerateArray()
            .Select(e => new DeadLetterEvent(e.GetProperty("index").GetInt32(), e.GetProperty("reason").GetString()!, e.GetProperty("raw").GetString()!))
            .ToArray();
        var content = root.TryGetProperty("content", out var c)
            ? new StoredContent(c.GetProperty("location").GetString()!, c.GetProperty("bytes").GetInt64(), c.GetProperty("sha256").GetString()!)
            : null;
        return new DeadLetter(root.GetProperty("batchId").GetString()!, root.GetProperty("receivedUtc").GetDateTimeOffset(), events) { Content = content };
    }

    private static string NameOf(string batchId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(batchId)))[..32];
}
