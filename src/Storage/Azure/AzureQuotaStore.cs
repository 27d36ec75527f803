using System.Collections.Concurrent;
using System.Globalization;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Quota counters in the <c>quotas</c> table, shared by every instance (docs/api.md "Keys, plans and quotas"). Partition = key id; rows
/// <c>d-{yyyyMMdd}</c> (requests counted today) and <c>m-{yyyyMMddHHmm}</c> (tokens leased this minute).
/// <para>
/// A daily limit is counted exactly: one compare-and-swap on the day row per request (If-Match, retried on a race), so
/// however many instances serve a key the day never admits more than the limit. A per-minute limit is leased in blocks
/// of <see cref="LeaseFraction"/> of it (30 of alpha's 1,200): an instance takes a block from the minute row with one
/// compare-and-swap and serves that many requests from memory, so a plan with no daily limit pays one round trip per
/// block, not per request. Leased tokens are counted when leased, so the minute never admits more than its limit
/// either; a block an instance does not use by the end of the minute is lost (it under-serves, never over-serves).
/// </para>
/// Thread-safe.
/// </summary>
public sealed class AzureQuotaStore(StoreTable table) : IQuotaStore
{
    /// <summary>The share of the per-minute limit leased at a time.</summary>
    public const double LeaseFraction = 1.0 / 40;

    private const int MaxAttempts = 50;
    private const int MaxJitterMilliseconds = 20;
    private readonly ConcurrentDictionary<(string Key, DateTimeOffset Minute), Lease> _leases = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _dayGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, DateTimeOffset Day), long> _dayLeased = new();

    public async Task<QuotaDecision> TryConsumeAsync(string keyId, QuotaLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var minute = QuotaWindows.MinuteStart(now);
        var day = QuotaWindows.DayStart(now);
        long usedThisMinute = 0;
        if (limits.PerMinuteLimit > 0)
        {
            var (granted, used) = await TakeMinuteTokenAsync(keyId, minute, limits.PerMinuteLimit, countDay: limits.DailyLimit <= 0, cancellationToken);
            usedThisMinute = used;
            if (!granted)
            {
                var today = limits.DailyLimit > 0 ? (await ReadAsync(keyId, DayRow(day), cancellationToken)).Count : LeasedTodayHere(keyId, day);
                return new QuotaDecision(false, new QuotaUsage(today, usedThisMinute, day, minute));
            }
        }

        if (limits.DailyLimit <= 0)
        {
            // From memory: a plan without a daily limit pays a round trip per leased block, not per request.
            return new QuotaDecision(true, new QuotaUsage(LeasedTodayHere(keyId, day), usedThisMinute, day, minute));
        }

        // One request per key at a time in this instance: compare-and-swap races only happen between instances.
        var gate = _dayGates.GetOrAdd(keyId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await CountDayAsync(keyId, limits, day, minute, usedThisMinute, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<QuotaDecision> CountDayAsync(string keyId, QuotaLimits limits, DateTimeOffset day, DateTimeOffset minute, long usedThisMinute, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (count, etag) = await ReadAsync(keyId, DayRow(day), cancellationToken);
            if (count >= limits.DailyLimit)
            {
                return new QuotaDecision(false, new QuotaUsage(count, usedThisMinute, day, minute));
            }

            if (await TrySwapAsync(keyId, DayRow(day), count + 1, etag, cancellationToken))
            {
                return new QuotaDecision(true, new QuotaUsage(count + 1, Math.Max(usedThisMinute, 1), day, minute));
            }
        }

        throw new StoreException(StoreFailure.Unavailable, $"Quota counter of {keyId} is too contended.", 503, "QuotaContention");
    }

    public async Task<QuotaUsage> GetUsageAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var minute = QuotaWindows.MinuteStart(now);
        var day = QuotaWindows.DayStart(now);
        // Exactly one of the day rows is written for a key: d- with a daily limit, l- without one.
        var leasedToday = Math.Max(0, (await ReadAsync(keyId, LeaseDayRow(day), cancellationToken)).Count - UnusedHere(keyId));
        var today = (await ReadAsync(keyId, DayRow(day), cancellationToken)).Count + leasedToday;
        var leased = (await ReadAsync(keyId, MinuteRow(minute), cancellationToken)).Count;
        var unused = _leases.TryGetValue((keyId, minute), out var lease) ? lease.Remaining : 0;
        return new QuotaUsage(today, Math.Max(0, leased - unused), day, minute);
    }

    /// <summary>The newest service timestamp of the key's day rows (<c>d-</c> counted, <c>l-</c> leased), one row per day.</summary>
    public async Task<DateTimeOffset?> LastCountedAsync(string keyId, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        DateTimeOffset? last = null;
        string? token = null;
        do
        {
            var page = await table.QueryAsync($"PartitionKey eq {keyId} and RowKey ge {"d-"} and RowKey lt {"m-"}", ["Timestamp"], 1000, token, cancellationToken);
            foreach (var row in page.Entities)
            {
                if (row.Timestamp is { } t && (last is null || t > last))
                {
                    last = t;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return last;
    }

    private async Task<(bool Granted, long Used)> TakeMinuteTokenAsync(string keyId, DateTimeOffset minute, long limit, bool countDay, CancellationToken ct)
    {
        var lease = _leases.GetOrAdd((keyId, minute), _ => new Lease());
        foreach (var stale in _leases.Keys.Where(k => k.Minute < minute))
        {
            _leases.TryRemove(stale, out _);
        }

        await lease.Gate.WaitAsync(ct);
        try
        {
            if (lease.Remaining > 0)
            {
                lease.Remaining--;
                return (true, lease.LeasedTotal - lease.Remaining);
            }

            var block = Math.Max(1, (long)Math.Ceiling(limit * LeaseFraction));
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var (leased, etag) = await ReadAsync(keyId, MinuteRow(minute), ct);
                if (leased >= limit)
                {
                    return (false, leased);
                }

                var grant = Math.Min(block, limit - leased);
                if (await TrySwapAsync(keyId, MinuteRow(minute), leased + grant, etag, ct))
                {
                    if (countDay)
                    {
                        await AddToDayAsync(keyId, QuotaWindows.DayStart(minute), grant, ct);
                    }

                    lease.Remaining = grant - 1;
                    lease.LeasedTotal = leased + grant;
                    return (true, lease.LeasedTotal - lease.Remaining);
                }
            }

            throw new StoreException(StoreFailure.Unavailable, $"Quota counter of {keyId} is too contended.", 503, "QuotaContention");
        }
        finally
        {
            lease.Gate.Release();
        }
    }

    /// <summary>
    /// For plans without a daily limit the day row counts leased tokens (usage for the account, not a limit). The
    /// count seen by this instance's last swap is kept, so requests report usage without reading it again.
    /// </summary>
    private async Task AddToDayAsync(string keyId, DateTimeOffset day, long tokens, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (count, etag) = await ReadAsync(keyId, LeaseDayRow(day), ct);
            if (await TrySwapAsync(keyId, LeaseDayRow(day), count + tokens, etag, ct))
            {
                _dayLeased[(keyId, day)] = count + tokens;
                return;
            }
        }
    }

    /// <summary>Tokens leased today, as of this instance's last lease, less those it has not used yet. No I/O.</summary>
    private long LeasedTodayHere(string keyId, DateTimeOffset day) =>
        Math.Max(0, _dayLeased.GetValueOrDefault((keyId, day)) - UnusedHere(keyId));

    private long UnusedHere(string keyId) => _leases.Where(l => l.Key.Key == keyId).Sum(l => l.Value.Remaining);

    private async Task<(long Count, string? ETag)> ReadAsync(string keyId, string row, CancellationToken ct)
    {
        var entity = await table.GetEntityAsync(keyId, row, ct);
        return entity is null ? (0, null) : (entity.GetInt64("Count") ?? 0, StoreTable.ETagOf(entity));
    }

    /// <summary>Writes the new count only if nobody wrote since it was read (insert when the row was missing).</summary>
    private async Task<bool> TrySwapAsync(string keyId, string row, long count, string? etag, CancellationToken ct)
    {
        var entity = new TableEntity(keyId, row) { ["Count"] = count };
        try
        {
            if (etag is null)
            {
                await table.AddEntityAsync(entity, ct);
            }
            else
            {
                await table.ReplaceEntityAsync(entity, etag, ct);
            }

            return true;
        }
        catch (StoreException e) when (e.Failure is StoreFailure.PreconditionFailed or StoreFailure.Conflict)
        {
            // Lost a race with another instance. A random pause before reading again keeps the same instance from
            // losing every round to faster ones (seen with three instances on one key: 20 straight losses, a 502).
            await Task.Delay(Random.Shared.Next(1, MaxJitterMilliseconds), ct);
            return false;
        }
    }

    private static string DayRow(DateTimeOffset day) => "d-" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string LeaseDayRow(DateTimeOffset day) => "l-" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string MinuteRow(DateTimeOffset minute) => "m-" + minute.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private sealed class Lease
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Remaining { get; set; }

        public long LeasedTotal { get; set; }
    }
}
