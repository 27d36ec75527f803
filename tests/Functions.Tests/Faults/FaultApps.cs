using System.Net;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// The trait that groups the fault and hostile-input suite (docs/reliability.md): <c>dotnet test --filter Suite=Faults</c>
/// runs all of it; <c>--filter Duration=Long</c> only the tests that take a minute or more (process kills, the
/// storage outage, quotas across instances, the load run).
/// </summary>
public static class FaultSuite
{
    public const string Trait = "Suite";
    public const string Name = "Faults";
    public const string Duration = "Duration";
    public const string Long = "Long";
}

/// <summary>
/// What the fault tests share: the app on an Azurite account under a prefix of its own (standalone or as the host starts
/// it), the simulated session of 2026-06-05 as Event Hubs deliveries, and every endpoint's answers read at one clock, so
/// that a run with faults compares byte for byte with a clean pass.
/// </summary>
public static class FaultApps
{
    /// <summary>The simulated session's date (a Friday) and a clock five minutes after its close, when every print is in.</summary>
    public static readonly DateOnly Date = new(2026, 6, 5);

    public static readonly DateTimeOffset AfterClose = new(2026, 6, 5, 20, 5, 0, TimeSpan.Zero);

    /// <summary>The host's invocation of one delivery; answers the status and the handler's log lines.</summary>
    public static async Task<(HttpStatusCode Status, string[] Logs)> DeliverAsync(HttpClient client, Delivery delivery, CancellationToken cancellationToken = default)
    {
        using var request = HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(delivery.Messages, delivery.FirstSequence, delivery.Partition));
        using var response = await client.SendAsync(request, cancellationToken);
        return (response.StatusCode, await HostPayloads.AnswerLogsAsync(response));
    }

    /// <summary>
    /// Delivers <paramref name="partitions"/> once each, in order (partitions concurrently), to a fresh instance under a
    /// prefix of its own on <paramref name="cleanAccount"/>, then reads every endpoint of both stores at
    /// <paramref name="at"/> and asserts the store under <paramref name="prefix"/> answers the same, byte for byte.
    /// <paramref name="prints"/> is how many prints the clean pass must count (null: only that it counts some).
    /// </summary>
    public static async Task AssertSameAsCleanPassAsync(
        AzuriteAccount cleanAccount, IReadOnlyList<IReadOnlyList<Delivery>> partitions, AzuriteAccount account, string prefix,
        IReadOnlyList<string> symbols, DateOnly today, DateTimeOffset at, int? prints)
    {
        var cleanPrefix = AzuriteFixture.UniqueName("clean");
        using (var clean = new FlowApiFactory(FlowApiFactory.AzureSettings(cleanAccount, cleanPrefix, functionApp: true), at))
        {
            using var client = clean.CreateClient();
            await Task.WhenAll(partitions.Select(async p =>
            {
                foreach (var d in p)
                {
                    var (status, logs) = await DeliverAsync(client, d);
                    Assert.True(status == HttpStatusCode.OK, $"clean pass: {(int)status} {string.Join(' ', logs)}");
                }
            }));
        }

        using var cleanReader = new FlowApiFactory(FlowApiFactory.AzureSettings(cleanAccount, cleanPrefix, functionApp: false), at);
        using var reader = new FlowApiFactory(FlowApiFactory.AzureSettings(account, prefix, functionApp: false), at);
        var expected = await EndpointAnswers.ReadAsync(cleanReader, symbols, today);
        var counted = EndpointAnswers.Prints(expected);
        Assert.True(prints is null ? counted > 0 : counted == prints, $"the clean pass counts {counted} prints, expected {prints}");
        EndpointAnswers.AssertSame(expected, await EndpointAnswers.ReadAsync(reader, symbols, today));
    }

    /// <summary>A partition's deliveries cut again into batches of <paramref name="size"/> from <paramref name="fromSequence"/>.</summary>
    public static List<Delivery> Recut(IReadOnlyList<Delivery> partition, long fromSequence, int size)
    {
        var messages = partition.SelectMany(d => d.Messages.Select((m, i) => (Sequence: d.FirstSequence + i, Message: m))).Where(m => m.Sequence >= fromSequence).ToList();
        return [.. messages.Chunk(size).Select(c => new Delivery(partition[0].Partition, c[0].Sequence, [.. c.Select(m => m.Message)], 0))];
    }
}
