using System.Net;
using System.Text;
using System.Text.Json;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The handler side of the custom-handler protocol, in process (memory store, test clock): the host's invocations
/// replayed as it sends them, and the Event Hubs redelivery cases a restarted host produces.
/// </summary>
public sealed class HostProtocolTests
{
    private static readonly DateTimeOffset Now = FlowApiFactory.DefaultNow;

    /// <summary>The app as the host starts it: the port variable set, so function-app mode (here on the memory store).</summary>
    internal static FlowApiFactory FunctionApp() => new(new Dictionary<string, string?>
    {
        ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7999",
        ["Storage:Mode"] = "memory",
    });

    /// <summary>Trades from..from+count-1 of a deterministic SPY tape ten minutes before <paramref name="now"/>, one JSON message each.</summary>
    internal static string[] TradeMessages(int from, int count, DateTimeOffset? now = null)
    {
        var at = now ?? Now;
        var expiry = Analytics.Time.NewYorkTime.TradingDate(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(from, count).Select(i => JsonSerializer.Serialize(TestEvents.Trade(
            at.AddSeconds(-600 + i), "SPY", expiry, 585 + (i % 10), i % 3 == 0 ? "P" : "C", 1.0 + (i % 7) * 0.1, 1 + (i % 5), side: i % 2 == 0 ? "buy" : "sell")))];
    }

    [Fact]
    public async Task DoubleEncodedAndPlainInvocationsFoldToTheSameNumbers()
    {
        var messages = TradeMessages(0, 40);
        var bodies = new List<string>();
        foreach (var doubleEncoded in new[] { true, false })
        {
            using var app = FunctionApp();
            using var client = app.CreateClient();
            using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(messages, 100, doubleEncoded: doubleEncoded)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var logs = await HostPayloads.AnswerLogsAsync(response);
            Assert.Contains("40 events folded, 0 dead-lettered", Assert.Single(logs), StringComparison.Ordinal);
            bodies.Add(await CumulativeAsync(app));
        }

        Assert.Equal(40, TradeCount(bodies[0]));
        Assert.Equal(bodies[0], bodies[1]);
    }

    [Fact]
    public async Task ARedeliveredBatchIsNotCountedTwice()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        var body = HostPayloads.EventHub(TradeMessages(0, 25), 0);
        await InvokeOkAsync(client, body);
        var once = await CumulativeAsync(app);
        var logs = await InvokeOkAsync(client, body);

        Assert.Contains("0 committed now, 1 already committed", logs[0], StringComparison.Ordinal);
        Assert.Equal(once, await CumulativeAsync(app));
        Assert.Equal(25, TradeCount(once));
    }

    [Fact]
    public async Task RedeliveriesWithOtherBoundariesCountEveryEventOnce()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        var all = TradeMessages(0, 40);

        // A batch of 5, then the host restarts from the checkpoint before it and hands out 10 from the same start.
        await InvokeOkAsync(client, HostPayloads.EventHub(all[..5], 0));
        await InvokeOkAsync(client, HostPayloads.EventHub(all[..10], 0));
        Assert.Equal(10, TradeCount(await CumulativeAsync(app)));

        // An instance claims 10..19 and dies before writing anything; the restarted host hands out 10..14 only.
        var log = app.Services.GetRequiredService<IDeliveryLog>();
        var stream = new EventHubDelivery(HostPayloads.Namespace, HostPayloads.Hub, HostPayloads.ConsumerGroup, "0", []).Stream;
        var (payload, ranges) = Lines(all[10..20]);
        await log.AddAsync(stream, new DeliveryClaim(10, 19, null, false, payload, ranges, Now), CancellationToken.None);
        await InvokeOkAsync(client, HostPayloads.EventHub(all[10..15], 10));
        Assert.Equal(20, TradeCount(await CumulativeAsync(app))); // the claim's own ten, once

        // The next delivery starts after the five it was given: 15..19 are found counted, 20..29 are new.
        var logs = await InvokeOkAsync(client, HostPayloads.EventHub(all[15..30], 15));
        Assert.Contains("1 committed now, 1 already committed", logs[0], StringComparison.Ordinal);
        Assert.Equal(30, TradeCount(await CumulativeAsync(app)));

        // And the whole range again, in one batch from the first checkpoint: nothing changes.
        await InvokeOkAsync(client, HostPayloads.EventHub(all[..30], 0));
        var final = await CumulativeAsync(app);
        Assert.Equal(30, TradeCount(final));

        using var clean = FunctionApp();
        using var cleanClient = clean.CreateClient();
        await InvokeOkAsync(cleanClient, HostPayloads.EventHub(all[..30], 0));
        Assert.Equal(await CumulativeAsync(clean), final);
    }

    [Fact]
    public async Task PoisonEventsAreDeadLetteredWithReasonsAndTheirSiblingsFolded()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        var good = TradeMessages(0, 3);
        string[] messages =
        [
            good[0],
            """{"type":"trade","ts":"2026-06-05T18:40:00Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","price":-1,"size":1}""",
            good[1],
            "{\"type\":\"trade\",\"ts\":",
            "[" + good[2] + ",{\"type\":\"spot\"}]",
            "",
        ];

        var logs = await InvokeOkAsync(client, HostPayloads.EventHub(messages, 7));

        Assert.Contains("3 events folded, 4 dead-lettered", logs[0], StringComparison.Ordinal);
        Assert.Equal(3, TradeCount(await CumulativeAsync(app)));
        var letter = Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, CancellationToken.None));
        Assert.Equal(EventHubIngest.BatchId(new EventHubDelivery(HostPayloads.Namespace, HostPayloads.Hub, HostPayloads.ConsumerGroup, "0", []).Stream, 7), letter.BatchId);
        Assert.Equal(4, letter.Events.Count);
        Assert.Contains(letter.Events, e => e.Reason.Contains("price", StringComparison.Ordinal) && e.Raw.Contains("\"price\":-1", StringComparison.Ordinal));
        Assert.Contains(letter.Events, e => e.Reason.StartsWith("malformed JSON", StringComparison.Ordinal));
        Assert.Contains(letter.Events, e => e.Reason == "ts is required" && e.Raw == "{\"type\":\"spot\"}");
        Assert.Contains(letter.Events, e => e.Reason.StartsWith("empty message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInvocationThatCannotBeReadIsDeadLetteredWholeAndDoesNotHoldUpThePartition()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        var body = "{\"Data\":{\"events\":42},\"Metadata\":{\"padding\":\"" + new string('x', 10_000) + "\"}}";
        using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Dead-lettered whole", Assert.Single(await HostPayloads.AnswerLogsAsync(response)), StringComparison.Ordinal);
        var letter = Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, CancellationToken.None));
        Assert.Contains("\"events\":42", Assert.Single(letter.Events).Raw, StringComparison.Ordinal);
        Assert.StartsWith("invocation not understood", letter.Events[0].Reason, StringComparison.Ordinal);
        AssertWhole(letter, body);

        // Delivered again (the host retrying after a lost answer): still one letter.
        using (var again = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, CancellationToken.None));
        await InvokeOkAsync(client, HostPayloads.EventHub(TradeMessages(0, 5), 0));
        Assert.Equal(5, TradeCount(await CumulativeAsync(app)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnInvocationOverTheSizeLimitIsDeadLetteredWholeAnsweredOkAndTheNextOneFolds(bool withContentLength)
    {
        using var app = new FlowApiFactory(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7999",
            ["Storage:Mode"] = "memory",
            ["Ingest:MaxInvocationBytes"] = "65536",
        });
        using var client = app.CreateClient();
        var oversize = HostPayloads.EventHub(TradeMessages(0, 400), 0);
        Assert.True(Encoding.UTF8.GetByteCount(oversize) > 65_536);
        var deadLettered = new List<(string, long)>();
        using var listener = MetricCapture.Of(IngestMetrics.InvocationsDeadLettered, (value, reason) => deadLettered.Add((reason, value)));

        using var request = HostPayloads.Invocation(FunctionNames.IngestEvents, oversize);
        if (!withContentLength)
        {
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversize)));
            request.Content.Headers.ContentLength = null;
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("larger than 65,536 bytes", Assert.Single(await HostPayloads.AnswerLogsAsync(response)), StringComparison.Ordinal);
        var letter = Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, CancellationToken.None));
        AssertWhole(letter, oversize);
        Assert.Equal(IDeadLetterStore.ExcerptBytes, Encoding.UTF8.GetByteCount(letter.Events[0].Raw));
        Assert.Contains(("size", 1L), deadLettered);
        Assert.Equal(0, TradeCount(await CumulativeAsync(app)));

        // The partition moves on: the next invocation, under the limit, folds.
        await InvokeOkAsync(client, HostPayloads.EventHub(TradeMessages(400, 30), 400));
        Assert.Equal(30, TradeCount(await CumulativeAsync(app)));
    }

    private static void AssertWhole(DeadLetter letter, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.NotNull(letter.Content);
        Assert.Equal(bytes.Length, letter.Content.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), letter.Content.Sha256);
    }

    [Fact]
    public async Task WithoutSequenceNumbersAnIdenticalRedeliveryIsStillANoOp()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        var body = HostPayloads.EventHub(TradeMessages(0, 12), 0, withSequenceNumbers: false);
        await InvokeOkAsync(client, body);
        await InvokeOkAsync(client, body);
        Assert.Equal(12, TradeCount(await CumulativeAsync(app)));
    }

    [Fact]
    public async Task ATimerTickWritesTheLeaderboardSnapshots()
    {
        using var app = FunctionApp();
        using var client = app.CreateClient();
        await InvokeOkAsync(client, HostPayloads.EventHub(TradeMessages(0, 20), 0));

        using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.SnapshotLeaderboard, HostPayloads.Timer(pastDue: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("past due", Assert.Single(await HostPayloads.AnswerLogsAsync(response)), StringComparison.Ordinal);
        var snapshot = await app.Services.GetRequiredService<ISnapshotStore>().GetAsync(240, CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.Equal(Now, snapshot.GeneratedUtc);
        Assert.Contains(snapshot.Board.Buyers.Concat(snapshot.Board.Sellers), r => r.Symbol == "SPY");
    }

    [Fact]
    public async Task TriggerRoutesExistUnderTheHostOnlyAndTheIngestEndpointStandaloneOnly()
    {
        using var standalone = new FlowApiFactory();
        using var standaloneClient = standalone.CreateClient();
        using (var r = await standaloneClient.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(TradeMessages(0, 1), 0))))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        using var app = FunctionApp();
        using var client = app.ClientWithKey(Keys.Admin);
        using var ingest = await client.PostAsync("/v1/ingest/events", new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, ingest.StatusCode);
    }

    internal static async Task<string[]> InvokeOkAsync(HttpClient client, string body)
    {
        using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));
        var logs = await HostPayloads.AnswerLogsAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", logs));
        return logs;
    }

    private static async Task<string> CumulativeAsync(FlowApiFactory app)
    {
        using var client = app.ClientWithKey(Keys.Alpha);
        return await client.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=60");
    }

    internal static int TradeCount(string cumulative)
    {
        using var doc = JsonDocument.Parse(cumulative);
        return doc.RootElement.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32());
    }

    private static (ReadOnlyMemory<byte> Payload, Range[] Ranges) Lines(string[] messages)
    {
        var bytes = new List<byte>();
        var ranges = new Range[messages.Length];
        for (var i = 0; i < messages.Length; i++)
        {
            var start = bytes.Count;
            bytes.AddRange(Encoding.UTF8.GetBytes(messages[i]));
            ranges[i] = start..bytes.Count;
            bytes.Add((byte)'\n');
        }

        return (bytes.ToArray(), ranges);
    }
}
