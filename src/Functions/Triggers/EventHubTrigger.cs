using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// <c>POST /IngestEvents</c>: the <c>eventHubTrigger</c> (cardinality <c>many</c>, data type <c>string</c>) as the host
/// invokes a custom handler. <c>Data.events</c> holds the message bodies (a JSON array of strings, usually itself
/// encoded as a string); <c>Metadata</c> holds <c>SequenceNumberArray</c> (one per message) and the
/// <c>PartitionContext</c> (<c>FullyQualifiedNamespace</c>, <c>EventHubName</c>, <c>ConsumerGroup</c>,
/// <c>PartitionId</c>). The delivery goes to <see cref="EventHubIngest"/>; the answer is 200 once it is durably folded
/// (refused events dead-lettered), 503 when storage failed, so the host's retry policy delivers it again. An invocation
/// that will never be accepted (larger than <see cref="IngestOptions.MaxInvocationBytes"/>, or not an Event Hubs invocation at all) is
/// dead-lettered whole, streamed to storage, and answered 200 with an error log: redelivering it cannot help, and
/// holding up the partition would stop every later event (docs/reliability.md, "Invocations that can never succeed";
/// the size arithmetic is in the README, "Event Hubs batch size"). A delivery that fails on anything but storage is
/// answered 500 and retried by the host up to <see cref="DeliveryFailures.MaxAttempts"/> attempts in all, then
/// dead-lettered whole the same way (docs/reliability.md, "Poison set aside").
/// </summary>
public static partial class EventHubTrigger
{
    /// <summary>The trigger binding's name in <c>IngestEvents/function.json</c>.</summary>
    public const string BindingName = "events";

    public static IEndpointRouteBuilder MapEventHubTrigger(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + FunctionNames.IngestEvents, HandleAsync).WithName(FunctionNames.IngestEvents).ExcludeFromDescription();
        return app;
    }

    public static async Task HandleAsync(
        HttpContext context,
        EventHubIngest ingest,
        IDeadLetterStore deadLetters,
        DeliveryFailures failures,
        IConfiguration configuration,
        IOptions<IngestOptions> options,
        MarketClock clock,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(EventHubTrigger).FullName!);
        var cancellationToken = context.RequestAborted;
        try
        {
            var max = options.Value.MaxInvocationBytes;
            var (stream, overflow) = await RequestBody.ReadOrStreamAsync(context, max, cancellationToken);
            if (stream is null)
            {
                await using (overflow)
                {
                    // Named by time and a random part: its hash is known only once it is stored. A redelivery after a
                    // crash between storing and answering stores it again, under another name.
                    var id = $"eh:invocation:{clock.Now:yyyyMMddTHHmmssfff}:{Guid.NewGuid():N}";
                    await DeadLetterWholeAsync(context, id, "size", $"invocation larger than {max:N0} bytes", overflow!);
                }

                return;
            }

            using (stream)
            {
                var body = RequestBody.Bytes(stream);
                // Named by its hash, so a redelivery of the same invocation leaves one letter (stores write create-only).
                var id = $"eh:invocation:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.Span))[..32]}";
                EventHubDelivery delivery;
                string key;
                int attempt;
                try
                {
                    using var invocation = HostInvocation.Parse(body);
                    delivery = ReadDelivery(invocation, configuration);
                    key = DeliveryFailures.KeyOf(delivery);
                    attempt = failures.Attempt(key, invocation);
                }
                catch (FormatException e)
                {
                    stream.Position = 0;
                    await DeadLetterWholeAsync(context, id, "shape", "invocation not understood: " + e.Message, stream);
                    return;
                }

                EventHubIngestResult result;
                try
                {
                    result = await ingest.IngestAsync(delivery, cancellationToken);
                }
                catch (Exception e) when (e is not StoreException and not OperationCanceledException)
                {
                    failures.Failed(key);
                    if (attempt < DeliveryFailures.MaxAttempts)
                    {
                        LogFailedWillRetry(logger, e, attempt, DeliveryFailures.MaxAttempts);
                        await HostInvocation.RespondAsync(context, 500, [$"Attempt {attempt} of {DeliveryFailures.MaxAttempts} failed ({e.GetType().Name}); deliver it again."]);
                        return;
                    }

                    LogPoison(logger, e, attempt);
                    failures.Settled(key);
                    stream.Position = 0;
                    await DeadLetterWholeAsync(context, id, "poison", $"failed {attempt} times, last with {e.GetType().Name}: {e.Message}", stream);
                    return;
                }

                failures.Settled(key);
                await HostInvocation.RespondAsync(context, 200, [Summary(delivery, result)]);
            }
        }
        catch (StoreException e)
        {
            LogStorageFailed(logger, e);
            await HostInvocation.RespondAsync(context, 503, [$"Storage failed ({e.Message}); nothing of this delivery is counted twice when it is delivered again."]);
        }

        async Task DeadLetterWholeAsync(HttpContext context, string id, string kind, string reason, Stream content)
        {
            var letter = await deadLetters.WriteWholeAsync(id, clock.Now, reason, content, cancellationToken);
            IngestMetrics.InvocationsDeadLettered.Add(1, new KeyValuePair<string, object?>("flowfunctions.reason", kind));
            LogDeadLetteredWhole(logger, id, reason, letter.Content!.Bytes, letter.Content.Location);
            await HostInvocation.RespondAsync(
                context, 200, [$"Dead-lettered whole as {id} ({reason}; {letter.Content.Bytes:N0} bytes at {letter.Content.Location}); nothing of it was folded."]);
        }
    }

    /// <summary>Reads a delivery out of an invocation; <see cref="FormatException"/> when it holds no messages array.</summary>
    public static EventHubDelivery ReadDelivery(HostInvocation invocation, IConfiguration configuration)
    {
        try
        {
            return ReadDeliveryCore(invocation, configuration);
        }
        catch (InvalidOperationException e)
        {
            // A string whose escapes decode to invalid UTF-16 (a lone surrogate): the host never sends one.
            throw new FormatException(e.Message, e);
        }
    }

    private static EventHubDelivery ReadDeliveryCore(HostInvocation invocation, IConfiguration configuration)
    {
        var messages = ReadMessages(invocation.Binding(BindingName));
        var context = invocation.Meta("PartitionContext");
        var partition = HostInvocation.StringProperty(context, "PartitionId") ?? StringOf(invocation.Meta("PartitionId"));
        var hub = HostInvocation.StringProperty(context, "EventHubName") ?? configuration["EventHubName"] ?? "hub";
        var group = HostInvocation.StringProperty(context, "ConsumerGroup") ?? configuration["EventHubConsumerGroup"] ?? "$Default";
        var ns = HostInvocation.StringProperty(context, "FullyQualifiedNamespace") ?? configuration["EventHubConnection:fullyQualifiedNamespace"] ?? string.Empty;

        // Sequence numbers identify events within one partition only: without the partition they are not used.
        var sequences = partition is null ? null : ReadSequenceNumbers(invocation, messages.Count);
        var list = new EventHubMessage[messages.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = new EventHubMessage(messages[i], sequences?[i]);
        }

        return new EventHubDelivery(ns, hub, group, partition ?? "unknown", list);
    }

    private static List<ReadOnlyMemory<byte>> ReadMessages(JsonElement events)
    {
        switch (events.ValueKind)
        {
            case JsonValueKind.Array:
                // Every message unescaped straight into one buffer, a line each, in the host's order: no string per
                // message, and the payload the ingest hashes and folds is a stretch of this buffer, not a copy
                // (EventHubIngest.Assemble). A message's UTF-8 is never longer than its JSON.
                var size = 0;
                foreach (var item in events.EnumerateArray())
                {
                    size += JsonMarshal.GetRawUtf8Value(item).Length + 1;
                }

                var buffer = new byte[size];
                var written = 0;
                var messages = new List<ReadOnlyMemory<byte>>(events.GetArrayLength());
                foreach (var item in events.EnumerateArray())
                {
                    var length = CopyUtf8(item, buffer.AsSpan(written));
                    messages.Add(buffer.AsMemory(written, length));
                    written += length;
                    buffer[written++] = (byte)'\n';
                }

                return messages;
            case JsonValueKind.Object:
                return [Encoding.UTF8.GetBytes(events.GetRawText())];
            case JsonValueKind.String:
                return [Encoding.UTF8.GetBytes(events.GetString()!)];
            default:
                throw new FormatException($"Data.{BindingName} is missing or is not the messages (found {events.ValueKind}).");
        }
    }

    /// <summary>
    /// A message's bytes: a string's value unescaped (<see cref="InvalidOperationException"/> when an escape decodes to a
    /// lone surrogate, as <see cref="JsonElement.GetString"/> throws), anything else as its JSON.
    /// </summary>
    private static int CopyUtf8(JsonElement message, Span<byte> destination)
    {
        var raw = JsonMarshal.GetRawUtf8Value(message);
        if (message.ValueKind != JsonValueKind.String)
        {
            raw.CopyTo(destination);
            return raw.Length;
        }

        return JsonUnescape.CopyValue(raw, destination);
    }

    /// <summary>One sequence number per message, or null when the host passed none or a count that does not match.</summary>
    private static long[]? ReadSequenceNumbers(HostInvocation invocation, int count)
    {
        var array = invocation.Meta("SequenceNumberArray");
        if (array.ValueKind == JsonValueKind.Array && array.GetArrayLength() == count)
        {
            var sequences = new long[count];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (!TryLong(item, out sequences[i++]))
                {
                    return null;
                }
            }

            return sequences;
        }

        return count == 1 && TryLong(invocation.Meta("SequenceNumber"), out var single) ? [single] : null;
    }

    private static bool TryLong(JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(e.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static string? StringOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };

    private static string Summary(EventHubDelivery delivery, EventHubIngestResult result)
    {
        var fresh = result.Batches.Count(b => !b.AlreadyCommitted);
        var sequences = delivery.Messages.Count > 0 && delivery.Messages[0].SequenceNumber is long first
            ? $", sequence {first} to {delivery.Messages[^1].SequenceNumber}"
            : string.Empty;
        return $"Partition {delivery.PartitionId}{sequences}: {delivery.Messages.Count} messages in {result.Batches.Count} batches "
            + $"({fresh} committed now, {result.Batches.Count - fresh} already committed); {result.Accepted} events folded, {result.Rejected} dead-lettered.";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event Hubs invocation dead-lettered whole as {BatchId}, nothing of it folded: {Reason} ({Bytes} bytes, stored at {Location})")]
    private static partial void LogDeadLetteredWhole(ILogger logger, string batchId, string reason, long bytes, string location);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event Hubs delivery failed on attempt {Attempt} of {MaxAttempts}, not on storage; answering 500 so that the host delivers it again")]
    private static partial void LogFailedWillRetry(ILogger logger, Exception exception, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event Hubs delivery failed {Attempt} times, not on storage; setting it aside whole as a dead letter so that the partition goes on")]
    private static partial void LogPoison(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event Hubs delivery failed on storage; answering 503 so that the host delivers it again")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}
