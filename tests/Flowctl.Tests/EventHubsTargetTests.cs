using System.Diagnostics;
using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Flowctl.Targets;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>
/// flowctl's Event Hubs target on the SDK's producer, without a hub (no emulator runs here): batches and partition keys
/// through the SDK's mocking constructor and model factory, and the SDK's retries and one-line failure against a
/// namespace that is not there.
/// </summary>
public sealed class EventHubsTargetTests
{
    [Fact]
    public async Task EachUnderlyingGoesInOrderUnderItsOwnPartitionKeyInBatchesTheHubSizes()
    {
        // Batches that take three events each: SPY's five events need two batches, in order.
        var producer = new RecordingProducer(eventsPerBatch: 3);
        await using var target = new EventHubsTarget(producer, "flow-ns.servicebus.windows.net", "flow-events");
        var symbols = new[] { "SPY", "QQQ", "SPY", "SPY", "IWM", "SPY", "QQQ", "SPY" };
        var lines = symbols.Select((s, i) => Line(i + 1, s)).ToList();

        var outcome = await target.SendAsync("b1", lines, CancellationToken.None);

        Assert.Equal((8, 0), (outcome.Accepted, outcome.Rejected));
        Assert.Equal("eventhubs:flow-ns.servicebus.windows.net/flow-events", target.Identity);
        var sent = producer.Sent.ToList();
        Assert.All(sent, b => Assert.InRange(b.Bodies.Count, 1, 3));
        foreach (var symbol in symbols.Distinct())
        {
            var bodies = sent.Where(b => b.PartitionKey == symbol).SelectMany(b => b.Bodies).ToList();
            var expected = lines.Where(l => l.Underlying == symbol).Select(l => Encoding.UTF8.GetString(l.Json!)).ToList();
            Assert.Equal(expected, bodies); // every event once, in tape order, under its underlying's key
        }

        Assert.Equal(2, sent.Count(b => b.PartitionKey == "SPY"));
        Assert.All(producer.Options, o => Assert.Null(o.PartitionId));
    }

    [Fact]
    public async Task AnEventLargerThanTheHubTakesIsNamedByLine()
    {
        var producer = new RecordingProducer(eventsPerBatch: 10, maxBodyBytes: 40);
        await using var target = new EventHubsTarget(producer, "flow-ns.servicebus.windows.net", "flow-events");
        var big = new TapeLine(7, Encoding.UTF8.GetBytes("{\"underlying\":\"SPY\",\"pad\":\"" + new string('x', 60) + "\"}"), "SPY", default, null);

        var e = await Assert.ThrowsAsync<FlowctlException>(() => target.SendAsync("b", [Line(1, "SPY"), big], CancellationToken.None));

        Assert.StartsWith("Line 7 is ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureTheSdkGaveUpOnIsOneLine()
    {
        var producer = new RecordingProducer(eventsPerBatch: 10) { Failure = new EventHubsException(true, "flow-events", "The service was busy.\nStack details", EventHubsException.FailureReason.ServiceBusy) };
        await using var target = new EventHubsTarget(producer, "flow-ns.servicebus.windows.net", "flow-events");

        var e = await Assert.ThrowsAsync<FlowctlException>(() => target.SendAsync("b", [Line(1, "SPY")], CancellationToken.None));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("flow-ns.servicebus.windows.net/flow-events", e.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceBusy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableNamespaceIsRetriedThenOneLine()
    {
        // A real producer (AMQP) at a loopback port nothing listens on, with the development-emulator form of the
        // connection string (plain AMQP to that port), and short fixed retries: three retries 200 ms apart.
        var options = EventHubsTarget.Options();
        options.RetryOptions.Mode = EventHubsRetryMode.Fixed;
        options.RetryOptions.MaximumRetries = 3;
        options.RetryOptions.Delay = TimeSpan.FromMilliseconds(200);
        options.RetryOptions.TryTimeout = TimeSpan.FromSeconds(5);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // free, and now closed
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("not-a-real-shared-access-key-0123456789"));
        await using var target = EventHubsTarget.FromConnectionString(
            $"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=send;SharedAccessKey={key};EntityPath=flow-events;UseDevelopmentEmulator=true", null, options);

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<FlowctlException>(() => target.SendAsync("b", [Line(1, "SPY")], CancellationToken.None));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"127.0.0.1", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(3 * 200), $"gave up after {clock.Elapsed.TotalMilliseconds:F0} ms: the SDK did not retry");
    }

    [Fact]
    public void AConnectionStringWithoutAKeyIsOneLineThatDoesNotEchoIt()
    {
        var e = Assert.Throws<FlowctlException>(() => EventHubsTarget.FromConnectionString("Endpoint=sb://flow-ns.servicebus.windows.net/;SharedAccessKeyName=send;EntityPath=h;Secretish=abc123", null));
        Assert.DoesNotContain("abc123", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static TapeLine Line(long number, string underlying) =>
        new(number, Encoding.UTF8.GetBytes($"{{\"underlying\":\"{underlying}\",\"n\":{number}}}"), underlying, default, null);

    /// <summary>A producer on the SDK's mocking constructor: batches from the model factory, sends recorded.</summary>
    private sealed class RecordingProducer(int eventsPerBatch, int maxBodyBytes = 1_000_000) : EventHubProducerClient
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<EventDataBatch, Created> _created = [];

        public System.Collections.Concurrent.ConcurrentQueue<(string? PartitionKey, List<string> Bodies)> Sent { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<CreateBatchOptions> Options { get; } = new();

        public Exception? Failure { get; init; }

        public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
        {
            Options.Enqueue(options);
            var created = new Created(options.PartitionKey, []);
            var batch = EventHubsModelFactory.EventDataBatch(
                maxBodyBytes, created.Events, options, e => created.Events.Count < eventsPerBatch && e.EventBody.ToMemory().Length <= maxBodyBytes);
            _created.Add(batch, created);
            return ValueTask.FromResult(batch);
        }

        public override Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Assert.True(_created.TryGetValue(eventBatch, out var created), "a batch this producer did not create was sent");
            Sent.Enqueue((created.PartitionKey, created.Events.Select(e => e.EventBody.ToString()).ToList()));
            return Task.CompletedTask;
        }

        /// <summary>Nothing to close: the mocking constructor opens no connection.</summary>
        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        private sealed record Created(string? PartitionKey, List<EventData> Events);
    }
}
