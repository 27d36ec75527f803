using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The delivery log as blobs in the <c>deliveries</c> container, one per claim: <c>{stream hash}/{first, 20 digits}</c>.
/// A blob is a JSON header line (range, owner, state, the messages' offsets) followed by the messages' bytes; marking a
/// claim done rewrites it as the header alone. Claims are created with <c>If-None-Match: *</c>, so of two writers
/// claiming the same start only one wins and the other reads what it wrote. Thread-safe.
/// </summary>
public sealed class AzureDeliveryLog(StoreContainer blobs) : IDeliveryLog
{
    public async Task<DeliveryClaim?> FindAsync(string stream, long first, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var blob = await blobs.GetAsync(Name(stream, first), cancellationToken);
        return blob is null ? null : Decode(blob.Data.ToMemory());
    }

    public async Task<DeliveryClaim> AddAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        try
        {
            await blobs.PutAsync(Name(stream, claim.First), Encode(claim), "application/octet-stream", null, "*", cancellationToken);
            return claim;
        }
        catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.PreconditionFailed)
        {
            return await FindAsync(stream, claim.First, cancellationToken)
                ?? throw new StoreException(StoreFailure.Unavailable, $"The delivery claim at {claim.First} exists but cannot be read.", e.Status, e.ErrorCode, e);
        }
    }

    public async Task MarkDoneAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        await blobs.PutAsync(Name(stream, claim.First), Encode(claim.AsDone()), "application/octet-stream", null, null, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync(cancellationToken);
        var removed = 0;
        await foreach (var blob in blobs.ListAsync(string.Empty, cancellationToken))
        {
            if (blob.LastModified < olderThan)
            {
                await blobs.DeleteAsync(blob.Name, cancellationToken);
                removed++;
            }
        }

        return removed;
    }

    private static string Name(string stream, long first) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stream)))[..32]}/{first.ToString("D20", CultureInfo.InvariantCulture)}";

    private static BinaryData Encode(DeliveryClaim claim)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + claim.Payload.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("first", claim.First);
            w.WriteNumber("last", claim.Last);
            if (claim.Owner is long owner)
            {
                w.WriteNumber("owner", owner);
            }

            w.WriteBoolean("done", claim.Done);
            w.WriteString("claimedUtc", claim.ClaimedUtc);
            w.WriteStartArray("messages");
            foreach (var m in claim.Messages)
            {
                var (start, length) = m.GetOffsetAndLength(claim.Payload.Length);
                w.WriteStartArray();
                w.WriteNumberValue(start);
                w.WriteNumberValue(length);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        buffer.Write(claim.Payload.Span);
        return new BinaryData(buffer.WrittenMemory);
    }

    private static DeliveryClaim Decode(ReadOnlyMemory<byte> data)
    {
        var newline = data.Span.IndexOf((byte)'\n');
        var headerLength = newline < 0 ? data.Length : newline;
        using var header = JsonDocument.Parse(data[..headerLength]);
        var root = header.RootElement;
        var messages = new List<Range>();
        foreach (var m in root.GetProperty("messages").EnumerateArray())
        {
            var start = m[0].GetInt32();
            messages.Add(start..(start + m[1].GetInt32()));
        }

        return new DeliveryClaim(
            root.GetProperty("first").GetInt64(),
            root.GetProperty("last").GetInt64(),
            root.TryGetProperty("owner", out var owner) ? owner.GetInt64() : null,
            root.GetProperty("done").GetBoolean(),
            newline < 0 ? ReadOnlyMemory<byte>.Empty : data[(newline + 1)..],
            [.. messages],
            root.GetProperty("claimedUtc").GetDateTimeOffset());
    }
}
