using FlowFunctions.Analytics.Flow;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>What every <see cref="IApiKeyStore"/> must do: conflicts, ETag-conditional replace, paging in id order.</summary>
public abstract class ApiKeyStoreContract
{
    protected abstract IApiKeyStore CreateStore();

    [Fact]
    public async Task CreatingAnExistingIdConflicts()
    {
        var store = CreateStore();
        var created = await store.CreateAsync(Key("a1"), default);
        Assert.False(string.IsNullOrEmpty(created.ETag));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.CreateAsync(Key("a1"), default));
        Assert.Equal(StoreFailure.Conflict, e.Failure);
    }

    [Fact]
    public async Task ReplaceNeedsTheCurrentETag()
    {
        var store = CreateStore();
        var v1 = await store.CreateAsync(Key("a1"), default);
        var v2 = await store.ReplaceAsync(v1 with { Plan = Plan.Alpha }, v1.ETag, default);
        Assert.NotEqual(v1.ETag, v2.ETag);
        var stale = await Assert.ThrowsAsync<StoreException>(() => store.ReplaceAsync(v1 with { Plan = Plan.Free }, v1.ETag, default));
        Assert.Equal(StoreFailure.PreconditionFailed, stale.Failure);
        Assert.Equal(Plan.Alpha, (await store.FindAsync("a1", default))!.Plan);
        var missing = await Assert.ThrowsAsync<StoreException>(() => store.ReplaceAsync(Key("zz"), "*", default));
        Assert.Equal(StoreFailure.NotFound, missing.Failure);
    }

    [Fact]
    public async Task ListingPagesThroughEveryKeyInIdOrder()
    {
        var store = CreateStore();
        var ids = Enumerable.Range(0, 23).Select(i => $"k{i:x4}").Reverse().ToArray();
        foreach (var id in ids)
        {
            await store.CreateAsync(Key(id), default);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(5, token, default);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(k => k.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    private static ApiKeyRecord Key(string id) => new(id, new byte[32], "name-" + id, Plan.Basic, false, DateTimeOffset.UnixEpoch);
}

/// <summary>What every <see cref="IQuotaStore"/> must do: never admit past a limit, even under concurrency; reset per window.</summary>
public abstract class QuotaStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 30, TimeSpan.Zero);

    protected abstract IQuotaStore CreateStore();

    [Fact]
    public async Task ConcurrentRequestsNeverExceedTheDailyLimit()
    {
        var store = CreateStore();
        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => store.TryConsumeAsync("k", new QuotaLimits(37, 0), Now, default))));
        Assert.Equal(37, decisions.Count(d => d.Allowed));
        Assert.Equal(37, (await store.GetUsageAsync("k", Now, default)).UsedToday);
    }

    [Fact]
    public async Task TheMinuteWindowResetsAtTheMinuteAndTheDayAtMidnightUtc()
    {
        var store = CreateStore();
        var limits = new QuotaLimits(5, 2);
        Assert.True((await store.TryConsumeAsync("k", limits, Now, default)).Allowed);
        Assert.True((await store.TryConsumeAsync("k", limits, Now, default)).Allowed);
        var refused = await store.TryConsumeAsync("k", limits, Now, default);
        Assert.False(refused.Allowed);
        Assert.Equal((2L, 2L), (refused.Usage.UsedToday, refused.Usage.UsedThisMinute));

        var nextMinute = Now.AddSeconds(30);
        Assert.True((await store.TryConsumeAsync("k", limits, nextMinute, default)).Allowed);
        Assert.Equal((3L, 1L), ((await store.GetUsageAsync("k", nextMinute, default)).UsedToday, (await store.GetUsageAsync("k", nextMinute, default)).UsedThisMinute));

        var tomorrow = new DateTimeOffset(2026, 6, 6, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(0, (await store.GetUsageAsync("k", tomorrow, default)).UsedToday);
        Assert.Equal(0, (await store.GetUsageAsync("other", Now, default)).UsedToday);
    }
}

/// <summary>What every <see cref="ISnapshotStore"/> must do: the newest snapshot per window wins.</summary>
public abstract class SnapshotStoreContract
{
    protected abstract ISnapshotStore CreateStore();

    [Fact]
    public async Task TheNewestSnapshotWinsWhateverTheWriteOrder()
    {
        var store = CreateStore();
        var t = new DateTimeOffset(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
        Assert.Null(await store.GetAsync(240, default));
        var newer = await store.PutIfNewerAsync(Snapshot(240, t.AddSeconds(30)), default);
        var kept = await store.PutIfNewerAsync(Snapshot(240, t), default);
        Assert.Equal(newer.ETag, kept.ETag);
        Assert.Equal(t.AddSeconds(30), (await store.GetAsync(240, default))!.GeneratedUtc);
        Assert.Null(await store.GetAsync(60, default));
    }

    private static LeaderboardSnapshot Snapshot(int window, DateTimeOffset at) => new(window, new LeaderboardResponse(at, 50, window, [], []));
}

/// <summary>What every <see cref="IDeadLetterStore"/> must do: keep each refused event with its reason, once per batch.</summary>
public abstract class DeadLetterStoreContract
{
    protected abstract IDeadLetterStore CreateStore();

    [Fact]
    public async Task LettersKeepReasonsAndRawEventsOncePerBatch()
    {
        var store = CreateStore();
        var at = new DateTimeOffset(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
        var letter = new DeadLetter("eh:3:100", at, [new DeadLetterEvent(1, "price must be > 0", "{\"price\":-1}"), new DeadLetterEvent(4, "unknown type 'x'", "{\"type\":\"x\"}")]);
        await store.WriteAsync(letter, default);
        await store.WriteAsync(letter, default);
        await store.WriteAsync(new DeadLetter("eh:3:200", at.AddSeconds(1), [new DeadLetterEvent(0, "malformed JSON", "{")]), default);

        var letters = await store.ListRecentAsync(10, default);
        Assert.Equal(2, letters.Count);
        var first = letters.Single(l => l.BatchId == "eh:3:100");
        Assert.Equal([(1, "price must be > 0", "{\"price\":-1}"), (4, "unknown type 'x'", "{\"type\":\"x\"}")], first.Events.Select(e => (e.Index, e.Reason, e.Raw)));
    }
}

/// <summary>Usage of a plan with only a per-minute limit (alpha) still counts the day's requests.</summary>
public abstract class BurstOnlyQuotaContract
{
    protected abstract IQuotaStore CreateStore();

    [Fact]
    public async Task ABurstOnlyPlanReportsItsRequestsToday()
    {
        var store = CreateStore();
        var now = new DateTimeOffset(2026, 6, 5, 18, 45, 30, TimeSpan.Zero);
        for (var i = 0; i < 7; i++)
        {
            Assert.True((await store.TryConsumeAsync("alpha", new QuotaLimits(0, 1_200), now, default)).Allowed);
        }

        var usage = await store.GetUsageAsync("alpha", now, default);
        Assert.Equal((7L, 7L), (usage.UsedToday, usage.UsedThisMinute));
    }
}
