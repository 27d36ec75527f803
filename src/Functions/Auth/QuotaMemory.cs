using System.Collections.Concurrent;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Auth;

/// <summary>
/// The quota store as every request sees it, remembering what cannot change before a reset: a key refused because a
/// window is full stays refused until that window resets (the UTC day's end or the minute's), so a client hammering
/// after its 429 costs no storage read; and the usage shown on answers that do not count (403, the account endpoint)
/// is kept for up to <see cref="UsageLifetime"/>. Entries end at their reset and are swept when the memory holds
/// <see cref="Capacity"/> keys, so per-day state does not accumulate. Counting itself always goes to the store: the
/// limits stay exact across instances (docs/storage.md, "Quotas across instances"). Thread-safe.
/// </summary>
public sealed class QuotaMemory(IQuotaStore inner, int capacity = QuotaMemory.DefaultCapacity) : IQuotaStore
{
    public const int DefaultCapacity = 10_000;

    public static readonly TimeSpan UsageLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, QuotaUsage Usage)> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, QuotaUsage Usage)> _usage = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    /// <summary>Keys held now, refused and usage together.</summary>
    public int Count => _refused.Count + _usage.Count;

    public async Task<QuotaDecision> TryConsumeAsync(string keyId, QuotaLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_refused.TryGetValue(keyId, out var refused) && now < refused.Until)
        {
            ApiMetrics.CacheLookup("quota-refusals", hit: true);
            return new QuotaDecision(false, refused.Usage);
        }

        ApiMetrics.CacheLookup("quota-refusals", hit: false);
        var decision = await inner.TryConsumeAsync(keyId, limits, now, cancellationToken);
        if (decision.Allowed)
        {
            _refused.TryRemove(keyId, out _);
            _usage.TryRemove(keyId, out _); // counted: a held usage is stale
        }
        else if (ResetOf(limits, decision.Usage) is { } reset)
        {
            Hold(_refused, keyId, reset, decision.Usage, now);
        }

        return decision;
    }

    public async Task<QuotaUsage> GetUsageAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_usage.TryGetValue(keyId, out var held) && now < held.Until)
        {
            ApiMetrics.CacheLookup("quota-usage", hit: true);
            return held.Usage;
        }

        ApiMetrics.CacheLookup("quota-usage", hit: false);
        var usage = await inner.GetUsageAsync(keyId, now, cancellationToken);

        // Never past the minute: the next minute's usage starts from zero.
        var until = now + UsageLifetime;
        var minuteEnd = usage.Minute.AddMinutes(1);
        Hold(_usage, keyId, until < minuteEnd ? until : minuteEnd, usage, now);
        return usage;
    }

    public Task<DateTimeOffset?> LastCountedAsync(string keyId, CancellationToken cancellationToken) => inner.LastCountedAsync(keyId, cancellationToken);

    /// <summary>When the window that refused resets: the UTC day's end when the daily limit is used up, else the minute's.</summary>
    private static DateTimeOffset? ResetOf(QuotaLimits limits, QuotaUsage usage) =>
        limits.DailyLimit > 0 && usage.UsedToday >= limits.DailyLimit ? usage.Day.AddDays(1)
        : limits.PerMinuteLimit > 0 && usage.UsedThisMinute >= limits.PerMinuteLimit ? usage.Minute.AddMinutes(1)
        : null;

    private void Hold(ConcurrentDictionary<string, (DateTimeOffset Until, QuotaUsage Usage)> held, string keyId, DateTimeOffset until, QuotaUsage usage, DateTimeOffset now)
    {
        if (held.Count >= Capacity)
        {
            foreach (var (key, entry) in held)
            {
                if (entry.Until <= now)
                {
                    held.TryRemove(key, out _);
                }
            }

            if (held.Count >= Capacity)
            {
                return; // full of live entries: answer from the store, as without this memory
            }
        }

        held[keyId] = (until, usage);
    }
}
