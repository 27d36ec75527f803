using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// Corrections on the stream (docs/api.md "Live flow stream", "Corrections"): a late print or a cancel for a closed
/// minute journals revised finals, so a client that follows the stream ends with exactly the REST answers.
/// </summary>
public sealed class StreamCorrectionTests
{
    private const int Minutes = 5;

    [Fact]
    public async Task LatePrintsAndCancelsOfClosedMinutesReachTheStreamAsRevisions()
    {
        await using var harness = new StreamHarness();
        await harness.IngestMinutesAsync(Minutes, TimeSpan.Zero);
        await harness.CloseAllAsync(Minutes);
        var symbol = harness.SymbolList[0];
        Assert.DoesNotContain(await harness.ExpectedAsync(), e => e.Data.Contains("\"revision\"", StringComparison.Ordinal));

        // The repro: a late print in a closed minute changed REST, never the stream. Here one late print in
        // minute 1, one in minute 3 that is then cancelled, and one in a minute before the session (no final of its own).
        await PostAsync(harness, Print(symbol, SimulatedDays.Open.AddMinutes(1).AddSeconds(20), 7, "buy", "late-1"));
        await PostAsync(harness, Print(symbol, SimulatedDays.Open.AddMinutes(3).AddSeconds(5), 5, "sell", "late-2"));
        await PostAsync(harness, Cancel(symbol, SimulatedDays.Open.AddMinutes(3).AddSeconds(5), "late-2"));
        await PostAsync(harness, Print(symbol, SimulatedDays.Open.AddMinutes(-2), 4, "buy", "late-3"));

        var revisions = (await harness.ExpectedAsync(new HashSet<StreamEventKind> { StreamEventKind.Minute })).Where(e => e.Data.Contains("\"revision\":true", StringComparison.Ordinal)).ToList();
        var revised = revisions.Select(e => JsonDocument.Parse(e.Data).RootElement).Where(d => d.GetProperty("symbol").GetString() == symbol).Select(d => d.GetProperty("ts").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "2026-06-05T13:28:00Z", "2026-06-05T13:31:00Z", "2026-06-05T13:33:00Z" }, revised);
        await AssertStreamEqualsRestAsync(harness, symbol);

        // The next minute to close counts on from the corrected running net volume.
        await PostAsync(harness, Print(symbol, SimulatedDays.Open.AddMinutes(6).AddSeconds(30), 11, "buy", "next-1"));
        await harness.CloseAllAsync(Minutes + 2);
        await AssertStreamEqualsRestAsync(harness, symbol);
    }

    /// <summary>Follows the journal as a client would (a minute's latest final stands) and compares it with the cumulative endpoint.</summary>
    private static async Task AssertStreamEqualsRestAsync(StreamHarness harness, string symbol)
    {
        var followed = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var e in await harness.ExpectedAsync(new HashSet<StreamEventKind> { StreamEventKind.Minute }))
        {
            var data = JsonDocument.Parse(e.Data).RootElement;
            if (data.GetProperty("symbol").GetString() == symbol)
            {
                followed[data.GetProperty("ts").GetString()!] = data;
            }
        }

        using var alpha = harness.Factory.ClientWithKey(Keys.Alpha);
        var rest = await alpha.GetFromJsonAsync<JsonElement>($"/v1/flow/options/{symbol}/cumulative?minutes=1440");
        var points = rest.GetProperty("points").EnumerateArray().ToList();
        Assert.NotEmpty(points);
        Assert.Equal(
            points.Select(p => (p.GetProperty("ts").GetString(), p.GetProperty("netVolume").GetInt64(), p.GetProperty("cumulative").GetInt64(), p.GetProperty("tradeCount").GetInt64())),
            followed.Values.Where(m => m.GetProperty("tradeCount").GetInt64() > 0)
                .Select(m => (m.GetProperty("ts").GetString(), m.GetProperty("netVolume").GetInt64(), m.GetProperty("cumulative").GetInt64(), m.GetProperty("tradeCount").GetInt64())));
    }

    private static string Print(string symbol, DateTimeOffset ts, int size, string side, string id) =>
        $$"""{"type":"trade","ts":"{{ts:yyyy-MM-ddTHH:mm:ss.fffZ}}","underlying":"{{symbol}}","expiry":"2026-06-19","strike":100,"right":"C","price":2.5,"size":{{size}},"side":"{{side}}","id":"{{id}}"}""";

    private static string Cancel(string symbol, DateTimeOffset ts, string id) =>
        $$"""{"type":"cancel","ts":"{{ts:yyyy-MM-ddTHH:mm:ss.fffZ}}","underlying":"{{symbol}}","expiry":"2026-06-19","strike":100,"right":"C","id":"{{id}}"}""";

    private static async Task PostAsync(StreamHarness harness, string e)
    {
        using var client = harness.Factory.ClientWithKey(Keys.Admin);
        using var response = await client.PostAsync("/v1/ingest/events", new StringContent("[" + e + "]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"rejected\":0", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
