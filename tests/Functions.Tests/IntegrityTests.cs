using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The repros of "no feed can stall, double-count or corrupt it" on the standalone app (docs/reliability.md, "What no
/// feed can do"): each event passes validation, and none may make an endpoint fail or a print count twice.
/// </summary>
public sealed class IntegrityTests : IDisposable
{
    private readonly FlowApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PricesAndSizesPastTheBoundsAreRefusedWithTheirReasons()
    {
        // The issue's repro: 100 prints at $999,999 and 10,000,000 contracts, then valid, overflowed the premium sums.
        var huge = Enumerable.Range(0, 100).Select(i => Print(i, price: 999_999, size: 10_000_000));
        var answer = await PostAsync(huge, null);
        Assert.Equal((0, 100), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        Assert.Equal($"price must be <= {EventLimits.MaxPrice}", answer.GetProperty("errors")[0].GetProperty("reason").GetString());

        var tiny = await PostAsync([Print(0, price: 1e-320, size: 1), Print(1, price: 0.00009, size: 1), Print(2, price: 0.0001, size: 1)], null);
        Assert.Equal((1, 2), (tiny.GetProperty("accepted").GetInt32(), tiny.GetProperty("rejected").GetInt32()));
        Assert.All(tiny.GetProperty("errors").EnumerateArray(), e => Assert.Equal("price must be at least one tick (0.0001)", e.GetProperty("reason").GetString()));

        var large = await PostAsync([Print(0, price: 1, size: EventLimits.MaxSize + 1)], null);
        Assert.Equal($"size must be <= {EventLimits.MaxSize}", large.GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task PrintsAtEveryBoundPastInt64AnswerEveryEndpointExactly()
    {
        // 10,000 prints at the largest price and size: $10^17 of premium, 10^19 cents, past Int64's 9.2 × 10^18.
        for (var part = 0; part < 2; part++)
        {
            var answer = await PostAsync(Enumerable.Range(part * 5_000, 5_000).Select(i => Print(i, EventLimits.MaxPrice, EventLimits.MaxSize)), null);
            Assert.Equal(5_000, answer.GetProperty("accepted").GetInt32());
        }

        _factory.Clock.Advance(TimeSpan.FromSeconds(31)); // past the snapshots the app built at start
        using var alpha = _factory.ClientWithKey(Keys.Alpha);
        var cumulative = await alpha.GetFromJsonAsync<JsonElement>("/v1/flow/options/SPX/cumulative?minutes=390");
        var point = Assert.Single(cumulative.GetProperty("points").EnumerateArray());
        Assert.Equal(10_000_000_000L, point.GetProperty("netVolume").GetInt64());
        foreach (var window in new[] { 15, 390, 10_080 })
        {
            var board = await alpha.GetFromJsonAsync<JsonElement>($"/v1/flow/options/leaderboard?n=10&windowMinutes={window}");
            Assert.True(board.GetProperty("buyers").GetArrayLength() > 0, board.GetRawText());
            var top = board.GetProperty("buyers")[0];
            Assert.Equal(("SPX", 100_000_000_000_000_000L), (top.GetProperty("symbol").GetString(), top.GetProperty("netNotional").GetInt64()));
        }

        foreach (var url in new[] { "/v1/flow/summary/SPX", "/v1/strategies/flow-anomaly/SPX", "/v1/flow/zero-dte/strike-flow/SPX?minutes=390" })
        {
            using var response = await alpha.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task ABatchRetriedAfterAFailurePartWayCountsOnce()
    {
        // The issue's repro: the memory store applied half a batch before throwing, and the retry counted it again.
        var store = (MemoryFlowStore)_factory.Services.GetRequiredService<IFlowStore>();
        var fail = true;
        store.AfterCommitStep = step =>
        {
            if (fail && step == "zero-dte")
            {
                fail = false;
                throw new InvalidOperationException("injected");
            }
        };

        var batch = Enumerable.Range(0, 60).Select(i => Print(i, 2.5, 10_000_000 / 1_000)).ToArray();
        using (var first = await PostRawAsync(batch, "retry-1"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        }

        using (var second = await PostRawAsync(batch, "retry-1"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        using var alpha = _factory.ClientWithKey(Keys.Alpha);
        var point = Assert.Single((await alpha.GetFromJsonAsync<JsonElement>("/v1/flow/options/SPX/cumulative?minutes=390")).GetProperty("points").EnumerateArray());
        Assert.Equal((600_000L, 60), (point.GetProperty("netVolume").GetInt64(), point.GetProperty("tradeCount").GetInt32()));
    }

    [Fact]
    public async Task APrintSentInTwoBatchesCountsOnceAndItsCancelTakesItBack()
    {
        // The issue's repro: "dup1" in two batches counted twice, and its cancel removed one.
        const string Dup = """{"type":"trade","ts":"2026-06-05T18:40:00Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":1.5,"size":10,"side":"buy","id":"dup1"}""";
        const string Other = """{"type":"trade","ts":"2026-06-05T18:40:30Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","price":1.5,"size":3,"side":"buy","id":"o1"}""";
        const string Cancel = """{"type":"cancel","ts":"2026-06-05T18:40:00Z","underlying":"SPY","expiry":"2026-06-19","strike":590,"right":"C","id":"dup1"}""";
        long duplicates = 0;
        using var metrics = MetricCapture.Of(IngestMetrics.DuplicatePrints, (value, _) => Interlocked.Add(ref duplicates, value));
        await PostAsync([Dup], null);
        var second = await PostAsync([Dup, Other, Dup], null);
        Assert.Equal(3, second.GetProperty("accepted").GetInt32());
        Assert.Equal((13L, 2), await MinuteAsync());
        Assert.Equal(2, Interlocked.Read(ref duplicates));

        await PostAsync([Cancel], null);
        Assert.Equal((3L, 1), await MinuteAsync());
        await PostAsync([Dup], null); // sent again after its cancel: still the cancelled print
        Assert.Equal((3L, 1), await MinuteAsync());
    }

    private async Task<(long NetVolume, int TradeCount)> MinuteAsync()
    {
        using var alpha = _factory.ClientWithKey(Keys.Alpha);
        var point = Assert.Single((await alpha.GetFromJsonAsync<JsonElement>("/v1/flow/options/SPY/cumulative?minutes=390")).GetProperty("points").EnumerateArray());
        return (point.GetProperty("netVolume").GetInt64(), point.GetProperty("tradeCount").GetInt32());
    }

    /// <summary>A 0DTE SPX call bought at 18:40, deep in the money at the largest spot: each print its own id.</summary>
    private static string Print(int n, double price, int size) =>
        $$"""{"type":"trade","ts":"2026-06-05T18:40:{{n % 60:D2}}.{{n / 60 % 1000:D3}}Z","underlying":"SPX","expiry":"2026-06-05","strike":1000,"right":"C","price":{{price.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}},"size":{{size}},"side":"buy","spot":{{EventLimits.MaxSpot}},"iv":0.2,"id":"p{{n}}"}""";

    private async Task<JsonElement> PostAsync(IEnumerable<string> events, string? idempotencyKey)
    {
        using var response = await PostRawAsync(events, idempotencyKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> PostRawAsync(IEnumerable<string> events, string? idempotencyKey)
    {
        using var client = _factory.ClientWithKey(Keys.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events")
        {
            Content = new StringContent("[" + string.Join(',', events) + "]", Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }
}
