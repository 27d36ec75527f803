using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Client.Tests;

/// <summary>
/// The .NET client (src/Client) against the app in memory: every endpoint read into its model with nothing lost, the
/// typed arguments on the wire, the rate-limit headers, the typed errors, the retry rule and cancellation.
/// </summary>
public sealed class DotnetClientTests(IngestedApp app) : IClassFixture<IngestedApp>
{
    public static TheoryData<string> Endpoints => ["flow-anomaly", "summary", "cumulative", "strike-flow", "leaderboard", "account"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryEndpointReadsIntoItsModelWithEveryFieldAndTheRateLimit(string endpoint)
    {
        using var client = app.Client(Keys.Alpha);
        using var raw = app.Factory.ClientWithKey(Keys.Alpha);
        var (path, read) = Call(client, endpoint);
        var typed = await read();
        using var response = await raw.GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // Serialised back, the model gives the server's JSON: every field, at every level, with its value.
        var back = JsonSerializer.SerializeToElement(typed.Value, typed.Value!.GetType(), FlowFunctionsJsonContext.Default);
        AssertSameJson(body, back, "$");
        if (endpoint != "account")
        {
            Assert.NotNull(typed.RateLimit);
            Assert.Equal(1_200, typed.RateLimit.Limit);
            Assert.InRange(typed.RateLimit.Remaining, 0, 1_199);
            Assert.Equal(response.Headers.GetValues("X-RateLimit-Reset").Single(), typed.RateLimit.Reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task TypedArgumentsReachTheServer()
    {
        using var client = app.Client(Keys.Alpha);
        var today = DateOnly.Parse(HandTapes.Today, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(today, (await client.GetFlowSummaryAsync(" spy ", today)).Value.Expiry);
        Assert.Equal(30, (await client.GetCumulativeFlowAsync("SPY", minutes: 30)).Value.Minutes);
        Assert.Equal(10_080, (await client.GetCumulativeFlowAsync("SPY", minutes: 99_999)).Value.Minutes);
        var strikes = (await client.GetStrikeFlowAsync("SPY", minutes: 390, bar: "1m")).Value;
        Assert.Equal((today, "1m"), (strikes.Expiration, strikes.BarSize));
        Assert.NotEmpty(strikes.Bars);
        Assert.All(strikes.Bars, b => Assert.Equal(strikes.StrikesGrid.Count, b.Contracts.Count));
        var board = (await client.GetLeaderboardAsync(n: 3, windowMinutes: 60)).Value;
        Assert.Equal((3, 60), (board.N, board.WindowMinutes));
        var anomaly = (await client.GetFlowAnomalyAsync("SPY")).Value;
        Assert.Equal(("candidate", "short_put_spread"), (anomaly.Decision, anomaly.BestStructures[0].Structure));
        Assert.Equal("alpha", (await client.GetAccountAsync()).Value.Plan);

        // As of a past instant (docs/api.md "History"): every "now" of the answer is that instant.
        var now = (await client.GetFlowSummaryAsync("SPY")).Value.AsOf;
        var then = now.AddMinutes(-5); // answers carry whole seconds
        Assert.Equal(then, (await client.GetFlowSummaryAsync("SPY", at: then)).Value.AsOf);
        Assert.Equal(then, (await client.GetFlowAnomalyAsync("SPY", at: then.ToOffset(TimeSpan.FromHours(-4)))).Value.Timestamp);
        Assert.Equal(then, (await client.GetStrikeFlowAsync("SPY", at: then)).Value.AsOf);
        Assert.Equal(then, (await client.GetLeaderboardAsync(at: then)).Value.GeneratedUtc);
        Assert.All((await client.GetCumulativeFlowAsync("SPY", at: then)).Value.Points, p => Assert.True(p.Ts <= then));
    }

    [Fact]
    public async Task ErrorsAreOneExceptionWithTheApisCodeAndForA403ThePlans()
    {
        using var growth = app.Client(Keys.Growth);
        var tier = await Assert.ThrowsAsync<FlowFunctionsException>(() => growth.GetCumulativeFlowAsync("SPY"));
        Assert.Equal((403, "tier_restricted", "growth", "alpha"), (tier.Status, tier.ErrorCode, tier.CurrentPlan, tier.RequiredPlan));
        Assert.NotNull(tier.RateLimit);

        using var unknown = app.Client("no-such-key");
        var auth = await Assert.ThrowsAsync<FlowFunctionsException>(() => unknown.GetAccountAsync());
        Assert.Equal((401, "unauthorized"), (auth.Status, auth.ErrorCode));

        var symbol = await Assert.ThrowsAsync<FlowFunctionsException>(() => growth.GetFlowSummaryAsync("NOT A SYMBOL!"));
        Assert.Equal((400, "invalid_symbol"), (symbol.Status, symbol.ErrorCode));
        var missing = await Assert.ThrowsAsync<FlowFunctionsException>(() => growth.GetFlowSummaryAsync("ZZZZ"));
        Assert.Equal((404, "symbol_not_found"), (missing.Status, missing.ErrorCode));
        Assert.Contains("ZZZZ", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A429PastTheRetryBoundIsThrownAtOnceWithItsRetryAfter()
    {
        // Alpha cut to one request a minute; the clock stands at the minute's start, so the second call would wait 60 s,
        // past the 30 s bound: it is thrown at once, after one request.
        await using var limited = new FlowApiFactory(new Dictionary<string, string?> { ["Plans:alpha:PerMinuteLimit"] = "1" });
        var counter = new CountingHandler { InnerHandler = limited.Server.CreateHandler() };
        using var client = new FlowFunctionsClient(new HttpClient(counter), new FlowFunctionsClientOptions { BaseAddress = new Uri("http://localhost/"), ApiKey = Keys.Alpha });
        Assert.Equal(0, (await client.GetCumulativeFlowAsync("SPY")).Value.Count);
        var error = await Assert.ThrowsAsync<FlowFunctionsException>(() => client.GetCumulativeFlowAsync("SPY"));
        Assert.Equal((429, "rate_limited"), (error.Status, error.ErrorCode));
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Equal((1, 0), (error.RateLimit?.Limit, error.RateLimit?.Remaining));
        Assert.Equal(2, counter.Requests);
    }

    [Fact]
    public async Task A502Or429WithinTheBoundIsRetriedAfterItsWait()
    {
        var flaky = new FailingHandler(new Queue<HttpStatusCode>([HttpStatusCode.BadGateway, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable]));
        using var client = app.Client(Keys.Alpha, before: flaky);
        var started = DateTime.UtcNow;
        var answer = await client.GetLeaderboardAsync(n: 2);
        Assert.Equal(2, answer.Value.N);
        Assert.Equal(4, flaky.Requests);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "the 429's Retry-After: 1 was waited for");

        var down = new FailingHandler(new Queue<HttpStatusCode>(Enumerable.Repeat(HttpStatusCode.BadGateway, 5)));
        using var bounded = app.Client(Keys.Alpha, o => o.MaxRetries = 2, before: down);
        var error = await Assert.ThrowsAsync<FlowFunctionsException>(() => bounded.GetAccountAsync());
        Assert.Equal((502, "upstream_unavailable"), (error.Status, error.ErrorCode));
        Assert.Equal(3, down.Requests);
    }

    [Fact]
    public async Task ACancelledCallStops()
    {
        using var client = app.Client(Keys.Alpha);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetCumulativeFlowAsync("SPY", cancellationToken: cancelled.Token));
        await using var stream = client.StreamAsync(["SPY"], cancellationToken: cancelled.Token).GetAsyncEnumerator();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.MoveNextAsync());
    }

    [Fact]
    public async Task TheClientIsATypedClientOfIHttpClientFactory()
    {
        var services = new ServiceCollection();
        services.AddFlowFunctionsClient(o => (o.BaseAddress, o.ApiKey) = (new Uri("http://localhost/"), Keys.Growth))
            .ConfigurePrimaryHttpMessageHandler(() => app.Factory.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<FlowFunctionsClient>();
        Assert.Equal("growth", (await client.GetAccountAsync()).Value.Plan);
        Assert.Equal("SPY", (await client.GetFlowSummaryAsync("SPY")).Value.Symbol);
    }

    private static (string Path, Func<Task<ApiResponse<object>>> Read) Call(FlowFunctionsClient client, string endpoint) => endpoint switch
    {
        "flow-anomaly" => ("/v1/strategies/flow-anomaly/SPY", async () => Box(await client.GetFlowAnomalyAsync("SPY"))),
        "summary" => ("/v1/flow/summary/SPY", async () => Box(await client.GetFlowSummaryAsync("SPY"))),
        "cumulative" => ("/v1/flow/options/SPY/cumulative?minutes=390", async () => Box(await client.GetCumulativeFlowAsync("SPY", 390))),
        "strike-flow" => ("/v1/flow/zero-dte/strike-flow/SPY?minutes=390", async () => Box(await client.GetStrikeFlowAsync("SPY", 390))),
        "leaderboard" => ("/v1/flow/options/leaderboard?n=50", async () => Box(await client.GetLeaderboardAsync(50))),
        _ => ("/v1/account", async () => Box(await client.GetAccountAsync())),
    };

    private static ApiResponse<object> Box<T>(ApiResponse<T> r) where T : class => new(r.Value, r.RateLimit);

    /// <summary>Same fields at every level and the same values; timestamps compared as instants (the client writes +00:00 for Z).</summary>
    private static void AssertSameJson(JsonElement expected, JsonElement actual, string at)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{at}: {expected.ValueKind} vs {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(JsonShape.Fields(expected), JsonShape.Fields(actual));
                foreach (var p in expected.EnumerateObject())
                {
                    AssertSameJson(p.Value, actual.GetProperty(p.Name), $"{at}.{p.Name}");
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                var i = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertSameJson(e, a, $"{at}[{i++}]");
                }

                break;
            case JsonValueKind.String when expected.GetString()!.Contains('T', StringComparison.Ordinal) && expected.TryGetDateTimeOffset(out var t):
                Assert.Equal(t, actual.GetDateTimeOffset());
                break;
            case JsonValueKind.Number:
                Assert.True(expected.GetDecimal() == actual.GetDecimal(), $"{at}: {expected} vs {actual}");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{at}: {expected} vs {actual}");
                break;
        }
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers the queued statuses first (a 429 with <c>Retry-After: 1</c>, the others with the API's 502 body), then the app.</summary>
    private sealed class FailingHandler(Queue<HttpStatusCode> failures) : DelegatingHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (!failures.TryDequeue(out var status))
            {
                return base.SendAsync(request, cancellationToken);
            }

            var answer = new HttpResponseMessage(status)
            {
                Content = new StringContent("""{"status":"ERROR","error":"upstream_unavailable","message":"The flow data store is unreachable; retry shortly."}""", System.Text.Encoding.UTF8, "application/json"),
            };
            if (status == HttpStatusCode.TooManyRequests)
            {
                answer.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            }

            return Task.FromResult(answer);
        }
    }

}
