using System.Text;
using FlowFunctions.Functions.Api;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The read endpoints' micro-cache (Api/ResponseCache): concurrent requests share one build, answers live for
/// <see cref="ResponseCache.Lifetime"/> of the app's clock, this instance's writes make them stale at once, failures are
/// not kept, and the number of keys is bounded.
/// </summary>
public sealed class ResponseCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 5, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ConcurrentRequestsForOneKeyShareOneBuild()
    {
        var cache = new ResponseCache(new ManualTimeProvider(Start));
        var builds = 0;
        var release = new TaskCompletionSource();
        async Task<CachedJson> Build()
        {
            Interlocked.Increment(ref builds);
            await release.Task;
            return Body("a");
        }

        var waiting = Enumerable.Range(0, 50).Select(_ => cache.GetAsync("k", Build, CancellationToken.None)).ToArray();
        release.SetResult();
        var answers = await Task.WhenAll(waiting);
        Assert.Equal(1, builds);
        Assert.All(answers, a => Assert.Same(answers[0], a));
    }

    [Fact]
    public async Task AnAnswerExpiresAfterItsLifetimeOnTheAppsClock()
    {
        var time = new ManualTimeProvider(Start);
        var cache = new ResponseCache(time);
        var builds = 0;
        Task<CachedJson> Build() => Task.FromResult(Body((++builds).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal("1", Text(await cache.GetAsync("k", Build, CancellationToken.None)));
        time.Advance(ResponseCache.Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal("1", Text(await cache.GetAsync("k", Build, CancellationToken.None)));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("2", Text(await cache.GetAsync("k", Build, CancellationToken.None)));
        Assert.Equal("3", Text(await cache.GetAsync("other", Build, CancellationToken.None)));
    }

    [Fact]
    public async Task InvalidateMakesEveryAnswerStaleAtOnce()
    {
        var cache = new ResponseCache(new ManualTimeProvider(Start));
        var builds = 0;
        Task<CachedJson> Build() => Task.FromResult(Body((++builds).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await cache.GetAsync("k", Build, CancellationToken.None);
        cache.Invalidate();
        Assert.Equal("2", Text(await cache.GetAsync("k", Build, CancellationToken.None)));
        Assert.Equal("2", Text(await cache.GetAsync("k", Build, CancellationToken.None)));
    }

    [Fact]
    public async Task AFailedBuildIsNotKeptAndOneCallersCancellationDoesNotCancelTheBuild()
    {
        var cache = new ResponseCache(new ManualTimeProvider(Start));
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("k", () => throw new InvalidOperationException("storage down"), CancellationToken.None));
        Assert.Equal("ok", Text(await cache.GetAsync("k", () => Task.FromResult(Body("ok")), CancellationToken.None)));

        var release = new TaskCompletionSource();
        using var cancelled = new CancellationTokenSource();
        var first = cache.GetAsync("slow", async () => { await release.Task; return Body("built"); }, cancelled.Token);
        var second = cache.GetAsync("slow", () => Task.FromResult(Body("not used")), CancellationToken.None);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        release.SetResult();
        Assert.Equal("built", Text(await second));
    }

    [Fact]
    public async Task KeysAreBoundedAndExpiredOnesAreSweptToMakeRoom()
    {
        var time = new ManualTimeProvider(Start);
        var cache = new ResponseCache(time);
        for (var i = 0; i < ResponseCache.MaxEntries; i++)
        {
            await cache.GetAsync($"k{i}", () => Task.FromResult(Body("x")), CancellationToken.None);
        }

        Assert.Equal(ResponseCache.MaxEntries, cache.Count);
        await cache.GetAsync("one more", () => Task.FromResult(Body("uncached")), CancellationToken.None);
        Assert.Equal(ResponseCache.MaxEntries, cache.Count);

        time.Advance(ResponseCache.Lifetime);
        await cache.GetAsync("after expiry", () => Task.FromResult(Body("cached")), CancellationToken.None);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task AnIngestedBatchIsVisibleAtOnceOnTheInstanceThatCommittedIt()
    {
        using var factory = new FlowApiFactory();
        using var alpha = factory.ClientWithKey(Keys.Alpha);
        const string Path = "/v1/flow/options/SPY/cumulative?minutes=60";
        async Task<int> PointsAsync()
        {
            using var response = await alpha.GetAsync(Path);
            response.EnsureSuccessStatusCode();
            using var json = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            return json.RootElement.GetProperty("count").GetInt32();
        }

        Assert.Equal(0, await PointsAsync()); // cached now; the clock does not move in this test
        await factory.IngestAsync([TestEvents.Trade(HandTapes.At(18, 40, 0), "SPY", HandTapes.Later, 600, "C", 2.5, 10, side: "buy")]);
        Assert.Equal(1, await PointsAsync());
        await factory.IngestAsync([TestEvents.Trade(HandTapes.At(18, 41, 0), "SPY", HandTapes.Later, 600, "C", 2.5, 10, side: "buy")]);
        Assert.Equal(2, await PointsAsync());
    }

    private static CachedJson Body(string text) => new(200, Encoding.UTF8.GetBytes(text), Start);

    private static string Text(CachedJson answer) => Encoding.UTF8.GetString(answer.Body);
}
