using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests;

/// <summary>The timer's operation: the standard windows plus a bounded set of recently requested ones.</summary>
public sealed class LeaderboardSnapshotTests
{
    [Fact]
    public async Task RefreshRebuildsTheStandardWindowsAndTheRecentlyRequestedOnes()
    {
        using var factory = new FlowApiFactory();
        await factory.IngestAsync(HandTapes.Hand);
        var snapshots = factory.Services.GetRequiredService<LeaderboardSnapshots>();
        var store = factory.Services.GetRequiredService<ISnapshotStore>();
        using var client = factory.ClientWithKey(Keys.Alpha);
        await client.GetAsync("/v1/flow/options/leaderboard?windowMinutes=7");

        factory.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(LeaderboardSnapshots.StandardWindows.Count + 1, await snapshots.RefreshAsync(default));
        foreach (var window in LeaderboardSnapshots.StandardWindows.Append(7))
        {
            Assert.Equal(factory.Clock.Now, (await store.GetAsync(window, default))!.GeneratedUtc);
        }

        factory.Clock.Advance(LeaderboardSnapshots.RecentRequest + TimeSpan.FromSeconds(1));
        Assert.Equal(LeaderboardSnapshots.StandardWindows.Count, await snapshots.RefreshAsync(default));
    }

    [Fact]
    public async Task ManyRequestedWindowsDoNotMakeEveryRunRebuildThemAll()
    {
        using var factory = new FlowApiFactory();
        var snapshots = factory.Services.GetRequiredService<LeaderboardSnapshots>();
        using var client = factory.ClientWithKey(Keys.Alpha);
        for (var w = 1_001; w <= 1_100; w++)
        {
            await client.GetAsync($"/v1/flow/options/leaderboard?windowMinutes={w}");
        }

        Assert.Equal(LeaderboardSnapshots.StandardWindows.Count + LeaderboardSnapshots.MaxRecentWindows, await snapshots.RefreshAsync(default));
    }

    [Fact]
    public async Task OnlyABoundedSetOfWindowsBesidesTheStandardOnesIsBuiltPerQuarterHour()
    {
        using var factory = new FlowApiFactory();
        var built = 0;
        factory.Services.GetRequiredService<LeaderboardSnapshots>().Rebuilt += () => Interlocked.Increment(ref built);
        using var client = factory.ClientWithKey(Keys.Alpha);
        for (var w = 1_001; w < 1_001 + LeaderboardSnapshots.MaxRecentWindows; w++)
        {
            using var ok = await client.GetAsync($"/v1/flow/options/leaderboard?windowMinutes={w}");
            Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        }

        var before = Volatile.Read(ref built);
        using (var refused = await client.GetAsync("/v1/flow/options/leaderboard?windowMinutes=2000"))
        {
            Assert.Equal(LeaderboardSnapshots.RecentRequest.TotalSeconds, double.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
            await ErrorAssert.IsAsync(refused, 429, "rate_limited");
        }

        Assert.Equal(before, Volatile.Read(ref built)); // nothing built for it

        // The standard windows and the windows already admitted still answer; a quarter-hour later a new one may come.
        foreach (var url in new[] { "/v1/flow/options/leaderboard?windowMinutes=390", "/v1/flow/options/leaderboard?windowMinutes=1001" })
        {
            using var ok = await client.GetAsync(url);
            Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        }

        factory.Clock.Advance(LeaderboardSnapshots.RecentRequest + TimeSpan.FromSeconds(1));
        using var later = await client.GetAsync("/v1/flow/options/leaderboard?windowMinutes=2000");
        Assert.Equal(System.Net.HttpStatusCode.OK, later.StatusCode);
    }
}
