using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// An Event Hub, through the official SDK's <see cref="EventHubProducerClient"/> (AMQP): each event one message
/// whose body is the event's JSON, with its underlying as partition key (docs/api.md "Events"), so the hub keeps each underlying's
/// events in order on one partition. A batch's events are grouped by underlying and packed into
/// <see cref="EventDataBatch"/>es, which the SDK sizes to the hub's limit (1 MB on the standard tier); the groups are
/// sent concurrently, each one in order. A chain event over <see cref="EventMessages.MaxMessageBytes"/> goes as several
/// (<see cref="EventMessages"/>). Signed in with a SAS connection string or a <see cref="TokenCredential"/>;
/// transient failures (throttling, a dropped link, a busy service) are retried by the SDK's exponential policy. Event
/// Hubs cannot tell a batch sent twice: a replay interrupted while a batch was in flight may deliver that batch again,
/// and the function counts what arrives (README).
/// </summary>
public sealed class EventHubsTarget : IEventTarget
{
    /// <summary>Partition-key groups sent at once.</summary>
    private const int ConcurrentSends = 8;

    private readonly EventHubProducerClient _producer;
    private readonly string _hub;

    /// <param name="producer">The producer; tests pass one built on the SDK's mocking constructor.</param>
    /// <param name="fullyQualifiedNamespace">The namespace it sends to, e.g. <c>my-ns.servicebus.windows.net</c>.</param>
    /// <param name="hub">The Event Hub's name.</param>
    public EventHubsTarget(EventHubProducerClient producer, string fullyQualifiedNamespace, string hub)
    {
        _producer = producer;
        _hub = $"{fullyQualifiedNamespace}/{hub}";
        Identity = $"eventhubs:{_hub}".ToLowerInvariant();
    }

    public string Identity { get; }

    /// <summary>The SDK's retries as flowctl uses them: exponential from 0.8 s, up to 5 attempts of 30 s each.</summary>
    public static EventHubProducerClientOptions Options() => new()
    {
        RetryOptions = new EventHubsRetryOptions
        {
            Mode = EventHubsRetryMode.Exponential,
            MaximumRetries = 4,
            Delay = TimeSpan.FromMilliseconds(800),
            MaximumDelay = TimeSpan.FromSeconds(10),
            TryTimeout = TimeSpan.FromSeconds(30),
        },
    };

    /// <summary>From a namespace or hub connection string (<c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>).</summary>
    public static EventHubsTarget FromConnectionString(string connectionString, string? hub, EventHubProducerClientOptions? options = null)
    {
        try
        {
            var producer = hub is null
                ? new EventHubProducerClient(connectionString, options ?? Options())
                : new EventHubProducerClient(connectionString, hub, options ?? Options());
            try
            {
                CheckNamespace(producer.FullyQualifiedNamespace);
            }
            catch (FlowctlException)
            {
                producer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }

            return new EventHubsTarget(producer, producer.FullyQualifiedNamespace, producer.EventHubName);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // The SDK names what is missing; never echo the string (it holds the key).
            throw new FlowctlException($"The Event Hubs connection string is not usable: {FirstLine(e.Message)} (it needs Endpoint, SharedAccessKeyName and SharedAccessKey, and EntityPath or --hub).");
        }
    }

    /// <summary>With an Entra identity that holds Azure Event Hubs Data Sender on the hub or namespace.</summary>
    public static EventHubsTarget WithToken(string fullyQualifiedNamespace, string hub, TokenCredential credential, EventHubProducerClientOptions? options = null)
    {
        CheckNamespace(fullyQualifiedNamespace);
        return new(new EventHubProducerClient(fullyQualifiedNamespace, hub, credential, options ?? Options()), fullyQualifiedNamespace, hub);
    }

    /// <summary>Event Hubs namespace hosts in Azure's clouds; anything else (but the emulator on loopback) is refused.</summary>
    private static readonly string[] NamespaceSuffixes =
        [".servicebus.windows.net", ".servicebus.chinacloudapi.cn", ".servicebus.usgovcloudapi.net", ".servicebus.cloudapi.de"];

    /// <summary>
    /// The credential (a SAS key or an Entra token) goes only to an Event Hubs namespace, or to the emulator on this
    /// machine: a typo or a planted connection string must not send it elsewhere.
    /// </summary>
    public static void CheckNamespace(string host)
    {
        var name = host.Split(':')[0].TrimEnd('.').ToLowerInvariant();
        var loopback = name is "localhost" || (System.Net.IPAddress.TryParse(name, out var address) && System.Net.IPAddress.IsLoopback(address));
        if (!loopback && !NamespaceSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length))
        {
            throw new FlowctlException($"\"{host}\" is not an Event Hubs namespace host (such as my-ns.servicebus.windows.net) nor the emulator on this machine; flowctl sends its credential nowhere else.");
        }
    }

    public async Task<BatchOutcome> SendAsync(string batchId, IReadOnlyList<TapeLine> batch, CancellationToken cancellationToken)
    {
        var groups = batch.GroupBy(line => line.Underlying ?? string.Empty, StringComparer.Ordinal).ToList();
        try
        {
            await Parallel.ForEachAsync(
                groups,
                new ParallelOptions { MaxDegreeOfParallelism = ConcurrentSends, CancellationToken = cancellationToken },
                async (group, ct) => await SendGroupAsync(group.Key, group, ct));
        }
        catch (EventHubsException e)
        {
            throw new FlowctlException($"Event Hubs {_hub} did not take the batch ({e.Reason}): {FirstLine(e.Message)}");
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException or UnauthorizedAccessException or Azure.Identity.AuthenticationFailedException)
        {
            throw new FlowctlException($"Event Hubs {_hub} is not reachable: {FirstLine(e.Message)}");
        }

        return new BatchOutcome(batch.Count, 0, []);
    }

    public ValueTask DisposeAsync() => _producer.DisposeAsync();

    /// <summary>One underlying's events in order, in as many batches as the hub's size limit needs.</summary>
    private async Task SendGroupAsync(string partitionKey, IEnumerable<TapeLine> lines, CancellationToken cancellationToken)
    {
        var options = new CreateBatchOptions { PartitionKey = partitionKey.Length == 0 ? null : partitionKey };
        var current = await _producer.CreateBatchAsync(options, cancellationToken);
        try
        {
            foreach (var line in lines)
            {
                foreach (var message in EventMessages.Of(line))
                {
                    var data = new EventData(message) { ContentType = "application/json" };
                    if (current.TryAdd(data))
                    {
                        continue;
                    }

                    if (current.Count == 0)
                    {
                        throw TooLarge(line, message, current);
                    }

                    await _producer.SendAsync(current, cancellationToken);
                    current.Dispose();
                    current = await _producer.CreateBatchAsync(options, cancellationToken);
                    if (!current.TryAdd(data))
                    {
                        throw TooLarge(line, message, current);
                    }
                }
            }

            if (current.Count > 0)
            {
                await _producer.SendAsync(current, cancellationToken);
            }
        }
        finally
        {
            current.Dispose();
        }
    }

    private static FlowctlException TooLarge(TapeLine line, byte[] message, EventDataBatch batch) =>
        new($"Line {line.Number} is {message.Length:N0} bytes, more than the hub takes in one message ({batch.MaximumSizeInBytes:N0}).");

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
