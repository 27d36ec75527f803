using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Ingest;

/// <summary>One Event Hubs message: its body (UTF-8) and, when the host passed it, its sequence number in the partition.</summary>
public sealed record EventHubMessage(ReadOnlyMemory<byte> Body, long? SequenceNumber);

/// <summary>One delivery of the Event Hubs trigger: which partition of which hub, and its messages in partition order.</summary>
public sealed record EventHubDelivery(string Namespace, string Hub, string ConsumerGroup, string PartitionId, IReadOnlyList<EventHubMessage> Messages)
{
    /// <summary>Identifies the partition across instances and restarts: namespace, hub, consumer group and partition.</summary>
    public string Stream => $"{Namespace}/{Hub}/{ConsumerGroup}/{PartitionId}".ToLowerInvariant();
}

/// <summary>What a delivery did: the batches it committed or found committed, and the events they held.</summary>
public sealed record EventHubIngestResult(IReadOnlyList<EventHubBatchResult> Batches)
{
    public int Accepted => Batches.Sum(b => b.Accepted);

    public int Rejected => Batches.Sum(b => b.Rejected);
}

/// <summary>One batch of a delivery: its id and sequence range, its counts, and whether it had been committed before.</summary>
public sealed record EventHubBatchResult(string BatchId, long? First, long? Last, int Accepted, int Rejected, bool AlreadyCommitted);

/// <summary>
/// The Event Hubs trigger's work, free of the host protocol (Triggers/EventHubTrigger.cs adapts it): a delivery of one
/// partition's messages becomes batches for <see cref="IngestPipeline"/> in lane <c>eh-{partition}</c>. Event Hubs
/// delivers at least once, and a host restarted from its last checkpoint hands out batches with other boundaries, so a
/// batch is named by its partition and first sequence number and recorded in the <see cref="IDeliveryLog"/> with its
/// messages before anything is written:
/// <list type="bullet">
/// <item>a delivery starting where nothing was claimed claims its messages as one batch and commits it;</item>
/// <item>one starting at an unfinished claim commits that claim's own messages (the store finishes a half-written batch
/// without counting anything twice) and goes on after the claim's end;</item>
/// <item>one starting at a finished claim skips the claim's range;</item>
/// <item>one ending inside a claim leaves a pointer at its end, so the next delivery, which starts there, skips the rest.</item>
/// </list>
/// Without sequence numbers (a host that does not pass them) a batch is named by its partition and a hash of its
/// bytes, which still makes an identical redelivery a no-op. Thread-safe.
/// </summary>
public sealed partial class EventHubIngest(IngestPipeline pipeline, IDeliveryLog log, TimeProvider time, ILogger<EventHubIngest> logger)
{
    /// <summary>Claims are kept this long: longer than Event Hubs keeps events (at most 7 days on the standard tier).</summary>
    public static readonly TimeSpan ClaimRetention = TimeSpan.FromDays(8);

    public async Task<EventHubIngestResult> IngestAsync(EventHubDelivery delivery, CancellationToken cancellationToken)
    {
        var lane = LaneOf(delivery.PartitionId);
        var messages = delivery.Messages;
        if (messages.Count == 0)
        {
            return new EventHubIngestResult([]);
        }

        if (messages.Any(m => m.SequenceNumber is null))
        {
            var (payload, ranges) = Assemble(messages, 0, messages.Count);
            var hashId = $"eh:{delivery.Stream}:h:{Convert.ToHexStringLower(SHA256.HashData(payload.Span))[..32]}";
            var outcome = await pipeline.IngestAsync(payload, ranges, hashId, lane, cancellationToken);
            return new EventHubIngestResult([new(hashId, null, null, outcome.Receipt.Accepted, outcome.Receipt.Rejected, outcome.Replayed)]);
        }

        var ordered = messages.OrderBy(m => m.SequenceNumber).ToArray();
        var lastOfDelivery = ordered[^1].SequenceNumber!.Value;
        var results = new List<EventHubBatchResult>();
        var i = 0;
        while (i < ordered.Length)
        {
            var first = ordered[i].SequenceNumber!.Value;
            var claim = await log.FindAsync(delivery.Stream, first, cancellationToken);
            if (claim is null)
            {
                var (payload, ranges) = Assemble(ordered, i, ordered.Length);
                claim = await log.AddAsync(delivery.Stream, new DeliveryClaim(first, lastOfDelivery, null, false, payload, ranges, time.GetUtcNow()), cancellationToken);
            }

            var owner = claim.Owner is long ownerFirst ? await log.FindAsync(delivery.Stream, ownerFirst, cancellationToken) : claim;
            if (owner is not null && !owner.Done)
            {
                results.Add(await CommitAsync(delivery.Stream, owner, lane, cancellationToken));
            }
            else
            {
                LogSkipped(logger, delivery.Stream, claim.First, claim.Last);
                results.Add(new EventHubBatchResult(BatchId(delivery.Stream, owner?.First ?? claim.First), claim.First, claim.Last, 0, 0, true));
            }

            if (claim.Last > lastOfDelivery)
            {
                // This delivery ends inside the claim: the next one starts at lastOfDelivery + 1 and must find that the
                // rest of the claim is already counted.
                await log.AddAsync(delivery.Stream, new DeliveryClaim(lastOfDelivery + 1, claim.Last, owner?.First ?? claim.First, true, ReadOnlyMemory<byte>.Empty, [], time.GetUtcNow()), cancellationToken);
                break;
            }

            while (i < ordered.Length && ordered[i].SequenceNumber <= claim.Last)
            {
                i++;
            }
        }

        return new EventHubIngestResult(results);
    }

    /// <summary>Forgets claims older than <see cref="ClaimRetention"/>.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken) => log.PruneAsync(time.GetUtcNow() - ClaimRetention, cancellationToken);

    /// <summary>The writer lane of a partition: <c>eh-</c> and the partition id (lower-case letters, digits and dashes).</summary>
    public static string LaneOf(string partitionId)
    {
        var chars = partitionId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(29).ToArray();
        return chars.Length == 0 ? "eh" : "eh-" + new string(chars);
    }

    public static string BatchId(string stream, long first) => $"eh:{stream}:{first}";

    private async Task<EventHubBatchResult> CommitAsync(string stream, DeliveryClaim claim, string lane, CancellationToken cancellationToken)
    {
        var id = BatchId(stream, claim.First);
        var outcome = await pipeline.IngestAsync(claim.Payload, claim.Messages, id, lane, cancellationToken);
        await log.MarkDoneAsync(stream, claim, cancellationToken);
        return new EventHubBatchResult(id, claim.First, claim.Last, outcome.Receipt.Accepted, outcome.Receipt.Rejected, outcome.Replayed);
    }

    /// <summary>Messages <paramref name="from"/> to <paramref name="to"/> (exclusive) in one buffer, a line each.</summary>
    private static (ReadOnlyMemory<byte> Payload, Range[] Ranges) Assemble(IReadOnlyList<EventHubMessage> messages, int from, int to)
    {
        if (Contiguous(messages, from, to) is { } stretch)
        {
            return stretch;
        }

        var size = 0;
        for (var i = from; i < to; i++)
        {
            size += messages[i].Body.Length + 1;
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Max(1, size));
        var ranges = new Range[to - from];
        for (var i = from; i < to; i++)
        {
            var start = buffer.WrittenCount;
            buffer.Write(messages[i].Body.Span);
            ranges[i - from] = start..buffer.WrittenCount;
            buffer.Write("\n"u8);
        }

        return (buffer.WrittenMemory, ranges);
    }

    /// <summary>
    /// The messages when they already lie one after another in one buffer, a line each (as the trigger reads them out of
    /// an invocation): that stretch of the buffer is the payload, with no copy. Null otherwise.
    /// </summary>
    private static (ReadOnlyMemory<byte> Payload, Range[] Ranges)? Contiguous(IReadOnlyList<EventHubMessage> messages, int from, int to)
    {
        if (!MemoryMarshal.TryGetArray(messages[from].Body, out var first) || first.Array is not { } array)
        {
            return null;
        }

        var ranges = new Range[to - from];
        var next = first.Offset;
        for (var i = from; i < to; i++)
        {
            if (!MemoryMarshal.TryGetArray(messages[i].Body, out var body) || body.Array != array || body.Offset != next
                || next + body.Count >= array.Length || array[next + body.Count] != (byte)'\n')
            {
                return null;
            }

            ranges[i - from] = (next - first.Offset)..(next - first.Offset + body.Count);
            next += body.Count + 1;
        }

        return (array.AsMemory(first.Offset, next - first.Offset), ranges);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event Hubs {Stream}: sequence {First} to {Last} was already committed; skipped")]
    private static partial void LogSkipped(ILogger logger, string stream, long first, long last);
}
