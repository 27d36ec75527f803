using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FlowFunctions.Testing.TestEvents;

namespace FlowFunctions.Functions.Tests;

/// <summary><c>POST /v1/ingest/events</c>: admin only, array or NDJSON, reasons by index, 413, Idempotency-Key.</summary>
public sealed class IngestTests : IDisposable
{
    private readonly FlowApiFactory _factory = new(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "65536" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task OnlyAdminKeysMayIngest()
    {
        using var alpha = _factory.ClientWithKey(Keys.Alpha);
        using var response = await alpha.PostAsync("/v1/ingest/events", Json("[]"));
        await ErrorAssert.IsAsync(response, 403, "admin_required");

        using var anonymous = _factory.CreateClient();
        await ErrorAssert.IsAsync(await anonymous.PostAsync("/v1/ingest/events", Json("[]")), 401, "unauthorized");
    }

    [Fact]
    public async Task BadEventsAreRefusedByIndexWithReasonsAndTheirBatchMatesFolded()
    {
        var body = $$"""
            [{{Serialize(Trade(HandTapes.At(18, 40, 0), "SPY", HandTapes.Later, 600, "C", 2.5, 10, side: "buy"))}},
             {"type":"trade","ts":"2026-06-05T18:40:00Z","underlying":"SPY","expiry":"2026-06-19","strike":600,"right":"C","price":-1,"size":1},
             {"type":"trade","ts":"2026-06-05T18:40:00Z","underlying":"SPY","contract":"NOT-OCC","price":1,"size":1},
             {{Serialize(Trade(HandTapes.At(18, 41, 0), "SPY", HandTapes.Later, 600, "C", 2.6, 5, side: "sell"))}},
             {"type":"trade","ts":"2020-01-01T00:00:00Z","underlying":"SPY","expiry":"2026-06-19","strike":600,"right":"C","price":1,"size":1}]
            """;
        var result = await PostAsync(body);
        Assert.Equal((2, 3), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var errors = result.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 4], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("reason").GetString())));

        var letters = await _factory.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default);
        var letter = Assert.Single(letters);
        Assert.Equal([1, 2, 4], letter.Events.Select(e => e.Index));
        Assert.Contains("NOT-OCC", letter.Events[1].Raw, StringComparison.Ordinal);

        var cumulative = await GetAsync("/v1/flow/options/SPY/cumulative?minutes=10");
        Assert.Equal([10L, -5L], cumulative.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("netVolume").GetInt64()));
    }

    [Fact]
    public async Task NdjsonIsAcceptedAndAMalformedLineIsRefusedAlone()
    {
        var body = string.Join('\n',
            Serialize(Trade(HandTapes.At(18, 40, 0), "QQQ", HandTapes.Later, 500, "P", 3, 7, side: "buy")),
            "{\"type\":\"trade\",\"ts\":",
            Serialize(Spot(HandTapes.At(18, 40, 1), "QQQ", 510.25)),
            string.Empty);
        var result = await PostAsync(body, "application/x-ndjson");
        Assert.Equal((2, 1), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        Assert.Equal(1, result.GetProperty("errors")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task OnlyTheFirst20ReasonsAreReturnedButEveryRefusalIsDeadLettered()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat("{\"type\":\"bogus\"}", 30)) + "]";
        var result = await PostAsync(body);
        Assert.Equal((0, 30, 20), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32(), result.GetProperty("errors").GetArrayLength()));
        var letter = Assert.Single(await _factory.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default));
        Assert.Equal(30, letter.Events.Count);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        using var client = _factory.ClientWithKey(Keys.Admin);
        var big = "[" + string.Join(',', Enumerable.Repeat(Serialize(Spot(HandTapes.At(18, 40, 0), "SPY", 590)), 1_000)) + "]";
        Assert.True(Encoding.UTF8.GetByteCount(big) > 65_536);
        await ErrorAssert.IsAsync(await client.PostAsync("/v1/ingest/events", Json(big)), 413, "payload_too_large");

        // Without a Content-Length the limit still holds while reading.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await ErrorAssert.IsAsync(await client.SendAsync(request), 413, "payload_too_large");
    }

    [Fact]
    public async Task AnEmptyBodyIs400()
    {
        using var client = _factory.ClientWithKey(Keys.Admin);
        await ErrorAssert.IsAsync(await client.PostAsync("/v1/ingest/events", Json(string.Empty)), 400, "invalid_parameter");
    }

    [Fact]
    public async Task AReplayedIdempotencyKeyAnswersTheFirstResultAndCountsNothingTwice()
    {
        var body = "[" + Serialize(Trade(HandTapes.At(18, 44, 0), "NVDA", HandTapes.Later, 130, "C", 4, 100, side: "buy")) + ",{\"type\":\"nope\"}]";
        using var first = await PostRawAsync(body, "batch-0001");
        using var second = await PostRawAsync(body, "batch-0001");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());

        var cumulative = await GetAsync("/v1/flow/options/NVDA/cumulative?minutes=10");
        Assert.Equal(100, cumulative.GetProperty("points")[0].GetProperty("netVolume").GetInt64());
        Assert.Single(await _factory.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default));

        using var reused = await PostRawAsync(body.Replace("100", "200", StringComparison.Ordinal), "batch-0001");
        await ErrorAssert.IsAsync(reused, 422, "idempotency_key_reused");

        using var bad = await PostRawAsync(body, new string('k', 300));
        await ErrorAssert.IsAsync(bad, 400, "invalid_parameter");
    }

    [Fact]
    public async Task WithoutAnIdempotencyKeyTheSameBodyCountsAgain()
    {
        var body = "[" + Serialize(Trade(HandTapes.At(18, 44, 0), "NVDA", HandTapes.Later, 130, "C", 4, 100, side: "buy")) + "]";
        (await PostRawAsync(body, null)).Dispose();
        (await PostRawAsync(body, null)).Dispose();
        var cumulative = await GetAsync("/v1/flow/options/NVDA/cumulative?minutes=10");
        Assert.Equal(200, cumulative.GetProperty("points")[0].GetProperty("netVolume").GetInt64());
    }

    private static string Serialize(object e) => JsonSerializer.Serialize(e);

    private static StringContent Json(string body, string mediaType = "application/json") => new(body, Encoding.UTF8, mediaType);

    private async Task<JsonElement> PostAsync(string body, string mediaType = "application/json")
    {
        using var client = _factory.ClientWithKey(Keys.Admin);
        using var response = await client.PostAsync("/v1/ingest/events", Json(body, mediaType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        JsonShape.HasExactly(result, "accepted", "rejected", "errors");
        return result;
    }

    private async Task<HttpResponseMessage> PostRawAsync(string body, string? idempotencyKey)
    {
        using var client = _factory.ClientWithKey(Keys.Admin);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest/events") { Content = Json(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        using var client = _factory.ClientWithKey(Keys.Alpha);
        return await client.GetFromJsonAsync<JsonElement>(url);
    }
}
