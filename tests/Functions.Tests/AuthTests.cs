using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests;

/// <summary>The auth and quota rules of docs/api.md "Keys, plans and quotas": 401, 403 with plans, 429 with Retry-After, and the rate-limit headers.</summary>
public sealed class AuthTests
{
    public static TheoryData<string, string, string> PlanEndpointPairs()
    {
        var data = new TheoryData<string, string, string>();
        (string Path, string Required)[] endpoints =
        [
            ("/v1/strategies/flow-anomaly/SPY", "growth"),
            ("/v1/flow/summary/SPY", "growth"),
            ("/v1/flow/options/SPY/cumulative", "alpha"),
            ("/v1/flow/zero-dte/strike-flow/SPY", "alpha"),
            ("/v1/flow/options/leaderboard", "alpha"),
            ("/v1/account", "free"),
        ];
        foreach (var plan in new[] { "free", "basic", "growth", "alpha" })
        {
            foreach (var (path, required) in endpoints)
            {
                data.Add(plan, path, required);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlanEndpointPairs))]
    public async Task EachPlanReachesExactlyTheEndpointsAtOrBelowIt(string plan, string path, string required)
    {
        using var factory = new FlowApiFactory();
        await factory.IngestAsync(HandTapes.Hand);
        using var client = factory.ClientWithKey(Keys.ForPlan(plan));
        using var response = await client.GetAsync(path);
        Assert.True(response.Headers.CacheControl?.Private, $"{path} for {plan}: Cache-Control {response.Headers.CacheControl}"); // one key's answer
        Assert.True(Plans.TryParse(plan, out var have));
        Assert.True(Plans.TryParse(required, out var need));
        if (have >= need)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        var text = await ErrorAssert.IsAsync(response, 403, "tier_restricted");
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal((plan, required), (body.GetProperty("current_plan").GetString(), body.GetProperty("required_plan").GetString()));
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining")); // the key is known, so its quota is reported
    }

    [Theory]
    [InlineData("free")]
    [InlineData("basic")]
    [InlineData("growth")]
    [InlineData("alpha")]
    public async Task OnlyTheAdminKeyMayIngestWhateverThePlan(string plan)
    {
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(Keys.ForPlan(plan));
        using var response = await client.PostAsync("/v1/ingest/events", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        await ErrorAssert.IsAsync(response, 403, "admin_required");
    }

    [Fact]
    public async Task TheAdminKeyReadsEveryEndpointAsAlpha()
    {
        using var factory = new FlowApiFactory();
        await factory.IngestAsync(HandTapes.Hand);
        using var client = factory.ClientWithKey(Keys.Admin);
        foreach (var (path, _) in PlanEndpointPairs().Select(row => ((string)row[1], (string)row[2])).Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not-a-key", null)]
    [InlineData(null, "not-a-key")]
    [InlineData("dev-alpha ", null)] // trimmed: works, see below
    [InlineData(null, "dev%20alpha")]
    [InlineData(null, "")]
    public async Task MissingUnknownOrMalformedKeysAre401(string? header, string? query)
    {
        using var factory = new FlowApiFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/flow/options/SPY/cumulative" + (query is null ? string.Empty : $"?apiKey={query}"));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", header);
        }

        using var response = await client.SendAsync(request);
        if (header == "dev-alpha ")
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        await ErrorAssert.IsAsync(response, 401, "unauthorized");
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        Assert.True(response.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task AnOverlongKeyIs401WithoutBeingLookedUp()
    {
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(new string('k', 300));
        using var response = await client.GetAsync("/v1/account");
        await ErrorAssert.IsAsync(response, 401, "unauthorized");
    }

    [Fact]
    public async Task ARevokedKeyIs401()
    {
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(Keys.Alpha);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/account")).StatusCode);

        var store = factory.Services.GetRequiredService<IApiKeyStore>();
        var digest = factory.Services.GetRequiredService<ApiKeyHasher>().Digest(Keys.Alpha);
        var key = (await store.FindAsync(digest.Id, default))!;
        await store.ReplaceAsync(key with { RevokedUtc = factory.Clock.Now }, key.ETag, default);

        using var response = await client.GetAsync("/v1/account");
        var text = await ErrorAssert.IsAsync(response, 401, "unauthorized");
        Assert.Contains("revoked", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysAreStoredOnlyAsKeyedHashes()
    {
        using var factory = new FlowApiFactory();
        _ = factory.CreateClient();
        var page = await factory.Services.GetRequiredService<IApiKeyStore>().ListAsync(100, null, default);
        Assert.Equal(5, page.Items.Count);
        foreach (var key in page.Items)
        {
            var stored = JsonSerializer.Serialize(key);
            Assert.All(Keys.All, k => Assert.DoesNotContain(k, stored, StringComparison.Ordinal));
            Assert.Equal(32, key.Hash.Length);
        }
    }

    [Fact]
    public async Task TheDailyLimitAdmitsExactlyThatManyRequestsThen429UntilMidnightUtc()
    {
        // Growth's default limit, 2,500 a UTC day; summary of an unknown symbol (404) still counts.
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(Keys.Growth);
        for (var i = 1; i <= 2_500; i++)
        {
            using var ok = await client.GetAsync("/v1/flow/summary/ZZZZ");
            Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode);
            if (i is 1 or 2_500)
            {
                AssertRateLimit(ok, 2_500, 2_500 - i, new DateTimeOffset(2026, 6, 6, 0, 0, 0, TimeSpan.Zero));
            }
        }

        using var limited = await client.GetAsync("/v1/flow/summary/ZZZZ");
        await ErrorAssert.IsAsync(limited, 429, "rate_limited");
        AssertRateLimit(limited, 2_500, 0, new DateTimeOffset(2026, 6, 6, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(18_900), limited.Headers.RetryAfter?.Delta); // 18:45 → 24:00 UTC

        var account = await client.GetFromJsonAsync<JsonElement>("/v1/account");
        Assert.Equal((2_500, 0), (account.GetProperty("used_today").GetInt32(), account.GetProperty("remaining").GetInt32()));

        factory.Clock.Set(new DateTimeOffset(2026, 6, 6, 0, 0, 1, TimeSpan.Zero));
        using var nextDay = await client.GetAsync("/v1/flow/summary/ZZZZ");
        Assert.Equal(HttpStatusCode.NotFound, nextDay.StatusCode);
        AssertRateLimit(nextDay, 2_500, 2_499, new DateTimeOffset(2026, 6, 7, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task LimitsComeFromConfigurationAndRejectedRequestsDoNotCount()
    {
        using var factory = new FlowApiFactory(new Dictionary<string, string?> { ["Plans:basic:DailyLimit"] = "3" });
        using var client = factory.ClientWithKey(Keys.Basic);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/flow/options/leaderboard")).StatusCode);
        }

        var account = await client.GetFromJsonAsync<JsonElement>("/v1/account");
        Assert.Equal((3, 0, 3), (account.GetProperty("daily_limit").GetInt32(), account.GetProperty("used_today").GetInt32(), account.GetProperty("remaining").GetInt32()));

        using var admin = factory.ClientWithKey(Keys.Admin);
        var idle = await admin.GetFromJsonAsync<JsonElement>("/v1/account");
        Assert.True(idle.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task AlphaHasNoDailyLimitButAPerMinuteBurst()
    {
        using var factory = new FlowApiFactory(new Dictionary<string, string?> { ["Plans:alpha:PerMinuteLimit"] = "3" });
        using var client = factory.ClientWithKey(Keys.Alpha);
        factory.Clock.Set(new DateTimeOffset(2026, 6, 5, 18, 45, 20, TimeSpan.Zero));
        var reset = new DateTimeOffset(2026, 6, 5, 18, 46, 0, TimeSpan.Zero);
        for (var i = 1; i <= 3; i++)
        {
            using var ok = await client.GetAsync("/v1/flow/options/SPY/cumulative");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            AssertRateLimit(ok, 3, 3 - i, reset);
        }

        using var limited = await client.GetAsync("/v1/flow/options/SPY/cumulative");
        var text = await ErrorAssert.IsAsync(limited, 429, "rate_limited");
        Assert.Contains("per minute", text, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter?.Delta);

        var account = await client.GetFromJsonAsync<JsonElement>("/v1/account");
        Assert.Equal(JsonValueKind.Null, account.GetProperty("daily_limit").ValueKind);
        Assert.Equal(3, account.GetProperty("per_minute_limit").GetInt32());

        factory.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/flow/options/SPY/cumulative")).StatusCode);
    }

    [Fact]
    public async Task EveryAuthenticatedAnswerCarriesTheRateLimitHeaders()
    {
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(Keys.Alpha);
        foreach (var path in new[] { "/v1/account", "/v1/flow/options/SPY/cumulative?minutes=abc", "/v1/flow/summary/ZZZZ", "/v1/flow/options/leaderboard" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.Headers.Contains("X-RateLimit-Limit"), path);
            Assert.True(response.Headers.Contains("X-RateLimit-Remaining"), path);
            Assert.True(response.Headers.Contains("X-RateLimit-Reset"), path);
        }
    }

    private static void AssertRateLimit(HttpResponseMessage response, long limit, long remaining, DateTimeOffset reset)
    {
        Assert.Equal(limit.ToString(), response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal(remaining.ToString(), response.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(reset.ToUnixTimeSeconds().ToString(), response.Headers.GetValues("X-RateLimit-Reset").Single());
    }
}
