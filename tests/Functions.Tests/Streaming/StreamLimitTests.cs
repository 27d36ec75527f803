using System.Net;
using FlowFunctions.Functions.Streaming;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.Streaming;

/// <summary>
/// What the stream refuses, and when (docs/api.md "Live flow stream"): everything before the stream starts, with the
/// API's error body; the plan's open streams per key; one request counted per stream; ids from another day; heartbeats
/// and the maximum lifetime.
/// </summary>
public sealed class StreamLimitTests
{
    public static TheoryData<string, string?, string> BadRequests => new()
    {
        { "symbols=", null, "invalid_parameter" },
        { "events=minute", null, "invalid_parameter" },
        { "symbols=SPY,NOT%20A%20SYMBOL", null, "invalid_symbol" },
        { "symbols=" + string.Join(',', Enumerable.Range(0, 51).Select(i => $"S{i}")), null, "invalid_parameter" },
        { "symbols=SPY&events=minute,trades", null, "invalid_parameter" },
        { "symbols=SPY", "not-an-id", "invalid_parameter" },
        { "symbols=SPY", "20260605.3.1~x", "invalid_parameter" },
        { "symbols=SPY&lastEventId=20269999.1.1", null, "invalid_parameter" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputIsA400WithTheApiErrorBeforeAnyStream(string query, string? lastEventId, string code)
    {
        await using var harness = new StreamHarness();
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        using var response = await StreamHarness.OpenAsync(client, query, lastEventId);
        await ErrorAssert.IsAsync(response, 400, code);
    }

    [Fact]
    public async Task FiftySymbolsAreAllowedAndDuplicatesFold()
    {
        await using var harness = new StreamHarness();
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        var symbols = string.Join(',', Enumerable.Range(0, 50).Select(i => $"S{i}").Append("s0"));
        using var response = await StreamHarness.OpenAsync(client, "symbols=" + symbols);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, 401, "unauthorized")]
    [InlineData(Keys.Free, 403, "tier_restricted")]
    [InlineData(Keys.Basic, 403, "tier_restricted")]
    [InlineData(Keys.Growth, 403, "tier_restricted")]
    public async Task KeysBelowAlphaAreRefusedAsEverywhere(string? key, int status, string code)
    {
        await using var harness = new StreamHarness();
        using var client = key is null ? harness.Factory.CreateClient() : harness.Factory.ClientWithKey(key);
        using var response = await StreamHarness.OpenAsync(client, "symbols=SPY");
        await ErrorAssert.IsAsync(response, status, code);
        if (status == 403)
        {
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("alpha", body.RootElement.GetProperty("required_plan").GetString());
        }
    }

    [Fact]
    public async Task AnAlphaKeyHoldsFiveStreamsEachCountedOnceAndASixthIs429UntilOneCloses()
    {
        await using var harness = new StreamHarness();
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        var open = new List<HttpResponseMessage>();
        try
        {
            var remaining = new List<int>();
            for (var i = 0; i < 5; i++)
            {
                var response = await StreamHarness.OpenAsync(client, "symbols=SPY");
                open.Add(response);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                remaining.Add(int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));
            }

            // Opening a stream is one request, however long it stays open.
            Assert.Equal(Enumerable.Range(0, 5).Select(i => remaining[0] - i), remaining);

            using (var sixth = await StreamHarness.OpenAsync(client, "symbols=SPY"))
            {
                await ErrorAssert.IsAsync(sixth, 429, "rate_limited");
                Assert.True(sixth.Headers.RetryAfter is not null);
            }

            // The refused sixth was not counted: the next request is the sixth counted.
            using (var rest = await client.GetAsync("/v1/flow/options/SPY/cumulative?minutes=10"))
            {
                Assert.Equal(remaining[4] - 1, int.Parse(rest.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));
            }

            // The admin key (alpha plan too) has slots of its own.
            using (var admin = harness.Factory.ClientWithKey(Keys.Admin))
            using (var other = await StreamHarness.OpenAsync(admin, "symbols=SPY"))
            {
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            open[0].Dispose();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                using var again = await StreamHarness.OpenAsync(client, "symbols=SPY");
                if (again.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "a closed stream's slot was not given back");
                await Task.Delay(50);
            }
        }
        finally
        {
            open.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task AnIdFromAnEarlierDayOrBeyondTheJournalGetsAResetThenTheLiveStream()
    {
        await using var harness = new StreamHarness();
        await harness.IngestMinutesAsync(3, TimeSpan.Zero);
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        foreach (var id in new[] { "20260604.12.3", "20260605.999999.0" })
        {
            using var response = await StreamHarness.OpenAsync(client, $"symbols={harness.SymbolQuery}", id);
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            var reset = await reader.ReadAsync();
            Assert.Equal("reset", reset!.Event);
            Assert.Contains("REST", reset.Data, StringComparison.Ordinal);
            var ready = await reader.ReadAsync();
            Assert.Equal("ready", ready!.Event);
            Assert.Contains("\"resumed\":false", ready.Data, StringComparison.Ordinal);
            Assert.Equal(3000, reader.Retry);
        }

        // The same day's start is no reset: everything journaled so far follows.
        using (var response = await StreamHarness.OpenAsync(client, $"symbols={harness.SymbolQuery}&events=block&lastEventId={StreamHarness.StartOfDay}"))
        {
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("ready", (await reader.ReadAsync())!.Event);
            var first = await reader.ReadAsync();
            Assert.Equal("block", first!.Event);
            Assert.Equal((await harness.ExpectedAsync(new HashSet<Analytics.Streaming.StreamEventKind> { Analytics.Streaming.StreamEventKind.Block }))[0], first);
        }
    }

    [Fact]
    public async Task AnIdleStreamBeatsAndAStreamEndsAtItsLifetimeWithItsLastId()
    {
        await using var harness = new StreamHarness(settings: new Dictionary<string, string?>
        {
            ["Stream:HeartbeatSeconds"] = "1",
            ["Stream:MaxLifetimeSeconds"] = "3",
        });
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        using var response = await StreamHarness.OpenAsync(client, "symbols=NOPRINTS");
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = new List<SseEvent>();
        while (await reader.ReadAsync() is { } e)
        {
            events.Add(e);
        }

        Assert.Equal(["ready", "end"], events.Select(e => e.Event));
        Assert.InRange(reader.Comments, 2, 3);
        Assert.Contains("Last-Event-ID", events[1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedKeysOpenStreamsEndAtTheNextKeyCheck()
    {
        await using var harness = new StreamHarness();
        using var client = harness.Factory.ClientWithKey(Keys.Alpha);
        using var response = await StreamHarness.OpenAsync(client, "symbols=SPY");
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("ready", (await reader.ReadAsync())!.Event);

        var services = harness.Factory.Services;
        var watch = services.GetRequiredService<StreamKeyWatch>();
        Assert.Equal(0, await watch.CheckAsync(default));
        var store = services.GetRequiredService<IApiKeyStore>();
        var key = (await store.FindAsync(services.GetRequiredService<ApiKeyHasher>().Digest(Keys.Alpha).Id, default))!;
        await store.ReplaceAsync(key with { RevokedUtc = harness.Factory.Clock.Now }, key.ETag, default);

        Assert.Equal(1, await watch.CheckAsync(default));
        var events = new List<SseEvent>();
        while (await reader.ReadAsync() is { } e)
        {
            events.Add(e);
        }

        Assert.Equal("revoked", events.Last().Event);
        Assert.Equal(0, services.GetRequiredService<StreamSlots>().Held(key.Id));
    }
}
