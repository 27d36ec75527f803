using System.Collections.Concurrent;
using System.Text.Json;
using FlowFunctions.Functions.Ingest;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// Which attempt an Event Hubs delivery is on, counting only failures other than storage (docs/reliability.md, "Poison
/// set aside"): the host's <c>Metadata.RetryContext.RetryCount</c> + 1 when it sends one, or this instance's own count
/// of the delivery's failures + 1, whichever is larger, so the bound holds whether or not the host says. A delivery is
/// known by its partition, first sequence number and message count. Thread-safe.
/// </summary>
public sealed class DeliveryFailures
{
    /// <summary>Attempts a delivery gets before it is dead-lettered whole: the first and four retries.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Deliveries remembered; past this the oldest failures are forgotten (which can only add attempts).</summary>
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>The key a delivery's failures are counted under.</summary>
    public static string KeyOf(EventHubDelivery delivery) =>
        $"{delivery.Stream}/{(delivery.Messages.Count > 0 ? delivery.Messages[0].SequenceNumber : null)}/{delivery.Messages.Count}";

    /// <summary>The attempt this invocation is (1 for the first).</summary>
    public int Attempt(string key, HostInvocation invocation)
    {
        var retry = invocation.Meta("RetryContext");
        var host = HostInvocation.Property(retry, "RetryCount") is { ValueKind: JsonValueKind.Number } count && count.TryGetInt32(out var n) ? n + 1 : 1;
        return Math.Max(host, _failures.GetValueOrDefault(key) + 1);
    }

    public void Failed(string key)
    {
        if (_failures.Count >= MaxRemembered)
        {
            _failures.Clear();
        }

        _failures.AddOrUpdate(key, 1, static (_, n) => n + 1);
    }

    public void Settled(string key) => _failures.TryRemove(key, out _);
}
