using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Functions.Tests.Azure;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// Property tests over the whole ingest path (docs/reliability.md, "What no feed can do"): random streams of valid
/// events, every bound among them, cut into random batches, delivered in any order (each cancel after its print),
/// some batches twice and some prints again in other batches, through the ingest pipeline into both stores. No
/// exception, and every figure equals one clean pass; on the app, every endpoint answers 200 and the same bytes.
/// <c>FLOWFUNCTIONS_PROPERTY_ITERATIONS</c> multiplies the iterations (1 by default) for a longer run.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class IngestPropertyTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 19, 30, 0, TimeSpan.Zero);
    private static readonly string[] Symbols = ["SPY", "QQQ", "NDX"];

    private static long Iterations(long baseline) =>
        baseline * (long.TryParse(Environment.GetEnvironmentVariable("FLOWFUNCTIONS_PROPERTY_ITERATIONS"), out var factor) && factor > 0 ? factor : 1);

    [Fact]
    public void AnyDeliveryOfAValidStreamFoldsLikeOneCleanPassOnTheMemoryStore() =>
        Deliveries.Sample(d => RunAsync(d, () => new MemoryFlowStore()).GetAwaiter().GetResult(), iter: Iterations(150), threads: 1);

    [Fact]
    public void AnyDeliveryOfAValidStreamFoldsLikeOneCleanPassOnTheAzureStore() =>
        Deliveries.Sample(d => RunAsync(d, () => AzureTestClients.FlowStore(azurite)).GetAwaiter().GetResult(), iter: Iterations(12), threads: 1);

    [Fact]
    public void EveryEndpointAnswersAnyDeliveryAsItAnswersOneCleanPass() =>
        Deliveries.Sample(d => RunAppAsync(d).GetAwaiter().GetResult(), iter: Iterations(6), threads: 1);

    /// <summary>A stream and how it is delivered: the batches (by event index) in delivery order, batch ids repeating for a batch delivered twice.</summary>
    public sealed record Delivery(IReadOnlyList<string> Events, IReadOnlyList<(string Id, int[] Events)> Batches)
    {
        public override string ToString() => $"{Events.Count} events in {Batches.Count} deliveries:\n" + string.Join('\n', Events);
    }

    /// <summary>One event: a print with every field drawn, at the bounds often; a spot; a cancel of an earlier print (by index).</summary>
    private static Gen<(int Kind, int Symbol, int Second, double Price, int Size, double Spot, double Iv, bool ZeroDte, bool Call, int Side, bool HasId, int Target)> Event { get; } =
        from kind in Gen.Int[0, 9]
        from symbol in Gen.Int[0, Symbols.Length - 1]
        from second in Gen.Int[0, 6 * 3600]
        from price in Gen.OneOf(Gen.Const(EventLimits.MinPrice), Gen.Const(EventLimits.MaxPrice), Gen.Double[0.01, 60].Select(p => Math.Round(p, 2)))
        from size in Gen.OneOf(Gen.Const(1), Gen.Const(EventLimits.MaxSize), Gen.Int[1, 500])
        from spot in Gen.OneOf(Gen.Const(EventLimits.MinPrice), Gen.Const(EventLimits.MaxSpot), Gen.Double[400, 700].Select(p => Math.Round(p, 2)))
        from iv in Gen.OneOf(Gen.Const(0.0001), Gen.Const(EventLimits.MaxIv), Gen.Double[0.05, 1].Select(v => Math.Round(v, 3)))
        from zeroDte in Gen.Bool
        from call in Gen.Bool
        from side in Gen.Int[0, 3]
        from hasId in Gen.Int[0, 5].Select(i => i > 0)
        from target in Gen.Int[0, 1000]
        select (kind, symbol, second, price, size, spot, iv, zeroDte, call, side, hasId, target);

    private static Gen<Delivery> Deliveries { get; } =
        from events in Gen.Int[1, 40].SelectMany(n => Event.Array[n])
        from seed in Gen.Int
        select Deliver(events, seed);

    private static Delivery Deliver(
        (int Kind, int Symbol, int Second, double Price, int Size, double Spot, double Iv, bool ZeroDte, bool Call, int Side, bool HasId, int Target)[] drawn,
        int seed)
    {
        var random = new Random(seed);

        // One print a symbol, so that every symbol has prints today (the summary and anomaly answer 404 without).
        var events = Symbols.Select((s, n) => SeedPrint(s, Now.AddMinutes(-30 - n))).ToList();
        var prints = new List<(int Index, string Cancel)>();
        var cancels = new List<int>();
        var cancelled = new HashSet<int>();
        var spotSecond = 0;
        for (var i = 0; i < drawn.Length; i++)
        {
            var e = drawn[i];
            var symbol = Symbols[e.Symbol];
            var ts = Now.AddHours(-6).AddSeconds(e.Second).AddMilliseconds(i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var expiry = e.ZeroDte ? "2026-06-05" : "2026-06-19";
            var contract = $"\"expiry\":\"{expiry}\",\"strike\":{(e.Call ? 590 : 600)},\"right\":\"{(e.Call ? "C" : "P")}\"";
            if (e.Kind == 0 && prints.Count > 0)
            {
                // A cancel of an earlier print with an id, delivered after every print.
                var (index, cancel) = prints[e.Target % prints.Count];
                if (cancel.Length > 0 && cancelled.Add(index))
                {
                    cancels.Add(events.Count);
                    events.Add(cancel);
                }

                continue;
            }

            if (e.Kind == 1)
            {
                // Spots at distinct times (the newest wins; two at one time would make the order matter).
                var at = Now.AddHours(-6).AddSeconds(++spotSecond * 7).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                events.Add(Invariant($$"""{"type":"spot","ts":"{{at}}","underlying":"{{symbol}}","price":{{e.Spot}}}"""));
                continue;
            }

            var side = e.Side switch { 0 => "buy", 1 => "sell", 2 => "mid", _ => null };
            var id = e.HasId ? $",\"id\":\"t{i}\"" : string.Empty;
            var sideField = side is null ? ",\"bid\":" + Invariant($"{Math.Max(0, e.Price - 0.01)}") + ",\"ask\":" + Invariant($"{Math.Min(EventLimits.MaxPrice, e.Price + 0.01)}") : $",\"side\":\"{side}\"";
            events.Add(Invariant($$"""{"type":"trade","ts":"{{ts}}","underlying":"{{symbol}}",{{contract}},"price":{{e.Price}},"size":{{e.Size}}{{sideField}},"spot":{{e.Spot}},"iv":{{e.Iv}}{{id}}}"""));
            prints.Add((events.Count - 1, e.HasId ? $$"""{"type":"cancel","ts":"{{ts}}","underlying":"{{symbol}}",{{contract}},"id":"t{{i}}"}""" : string.Empty));
        }

        // Batches of what is not a cancel, cut at random and shuffled; some delivered twice, some prints sent again in
        // a batch of their own (a producer's retry: the same print under a new batch id); then the cancels, likewise.
        var batches = new List<(string Id, int[] Events)>();
        var cancelSet = cancels.ToHashSet();
        var withIds = prints.Where(p => p.Cancel.Length > 0).Select(p => p.Index).Concat(cancels).ToHashSet();
        foreach (var part in new[] { Enumerable.Range(0, events.Count).Where(i => !cancelSet.Contains(i)).ToArray(), [.. cancels] })
        {
            var cut = Cut(part, random).Select((b, n) => ($"b{batches.Count + n}", b)).ToList();
            var deliveries = new List<(string Id, int[] Events)>(cut);
            deliveries.AddRange(cut.Where(_ => random.Next(4) == 0));
            // Only a print with an id can be known again (api.md "Exactly once per print"): a print without one sent twice counts twice.
            deliveries.AddRange(part.Where(i => withIds.Contains(i) && random.Next(5) == 0).Select(i => ($"again{i}", new[] { i })));
            batches.AddRange(deliveries.OrderBy(_ => random.Next()));
        }

        return new Delivery(events, batches);
    }

    private static string SeedPrint(string symbol, DateTimeOffset ts) =>
        "{\"type\":\"trade\",\"ts\":\"" + ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "\",\"underlying\":\"" + symbol
        + "\",\"expiry\":\"2026-06-19\",\"strike\":590,\"right\":\"C\",\"price\":1.25,\"size\":3,\"side\":\"buy\",\"spot\":590,\"iv\":0.2,\"id\":\"seed-" + symbol + "\"}";

    private static List<int[]> Cut(int[] indexes, Random random)
    {
        var batches = new List<int[]>();
        for (var at = 0; at < indexes.Length;)
        {
            var take = random.Next(1, Math.Max(2, indexes.Length / 2));
            batches.Add(indexes[at..Math.Min(indexes.Length, at + take)]);
            at += take;
        }

        return batches;
    }

    private static async Task RunAsync(Delivery delivery, Func<IFlowStore> newStore)
    {
        var clean = newStore();
        var delivered = newStore();
        try
        {
            using var cleanPipeline = Pipeline(clean);
            var outcome = await cleanPipeline.IngestAsync(Payload(delivery.Events, Enumerable.Range(0, delivery.Events.Count)), "clean", "api", default);
            Assert.Equal(0, outcome.Receipt.Rejected);
            using var pipeline = Pipeline(delivered);
            foreach (var (id, events) in delivery.Batches)
            {
                Assert.Equal(0, (await pipeline.IngestAsync(Payload(delivery.Events, events), id, "api", default)).Receipt.Rejected);
            }

            Assert.Equal(await StoreFigures.FiguresAsync(clean, Symbols, Now), await StoreFigures.FiguresAsync(delivered, Symbols, Now));
        }
        finally
        {
            (clean as IDisposable)?.Dispose();
            (delivered as IDisposable)?.Dispose();
        }
    }

    private static async Task RunAppAsync(Delivery delivery)
    {
        using var clean = new FlowApiFactory(now: Now);
        using var delivered = new FlowApiFactory(now: Now);
        await PostAsync(clean, "clean", Payload(delivery.Events, Enumerable.Range(0, delivery.Events.Count)));
        foreach (var (id, events) in delivery.Batches)
        {
            await PostAsync(delivered, id, Payload(delivery.Events, events));
        }

        // Past the leaderboard snapshots each app built at start.
        clean.Clock.Advance(TimeSpan.FromSeconds(31));
        delivered.Clock.Advance(TimeSpan.FromSeconds(31));
        EndpointAnswers.AssertSame(
            await EndpointAnswers.ReadAsync(clean, Symbols, new DateOnly(2026, 6, 5)),
            await EndpointAnswers.ReadAsync(delivered, Symbols, new DateOnly(2026, 6, 5)));
    }

    private static async Task PostAsync(FlowApiFactory app, string batchId, byte[] payload)
    {
        using var client = app.ClientWithKey(Keys.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events") { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", batchId);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("\"rejected\":0", body, StringComparison.Ordinal);
    }

    private static IngestPipeline Pipeline(IFlowStore store) =>
        new(store, new MemoryDeadLetterStore(), new ManualTimeProvider(Now), PricingParameters.Default, NullLogger<IngestPipeline>.Instance);

    private static byte[] Payload(IReadOnlyList<string> events, IEnumerable<int> indexes) =>
        Encoding.UTF8.GetBytes("[" + string.Join(',', indexes.Select(i => events[i])) + "]");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
