namespace FlowFunctions.Storage;

/// <summary>A plan's limits: requests per UTC day and per UTC minute; 0 means no limit.</summary>
public readonly record struct QuotaLimits(long DailyLimit, long PerMinuteLimit);

/// <summary>A key's usage in the current UTC day and minute, after the request when it was allowed.</summary>
public readonly record struct QuotaUsage(long UsedToday, long UsedThisMinute, DateTimeOffset Day, DateTimeOffset Minute);

/// <summary>Whether a request was admitted, and the usage it leaves.</summary>
public readonly record struct QuotaDecision(bool Allowed, QuotaUsage Usage);

/// <summary>
/// Request counters per key per UTC day and per UTC minute. Counted in the store, not per process, so every instance
/// of the app sees the same totals (docs/api.md "Keys, plans and quotas"). Thread-safe.
/// </summary>
public interface IQuotaStore
{
    /// <summary>
    /// Counts one request when both windows have room; otherwise counts nothing and answers
    /// <see cref="QuotaDecision.Allowed"/> = false.
    /// </summary>
    Task<QuotaDecision> TryConsumeAsync(string keyId, QuotaLimits limits, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Current usage without counting.</summary>
    Task<QuotaUsage> GetUsageAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// When the key's counters last moved (its last counted request, or for a leased per-minute limit its last lease),
    /// or null when they never did or were pruned. For operators (<c>flowctl keys list</c>), not for admission.
    /// </summary>
    Task<DateTimeOffset?> LastCountedAsync(string keyId, CancellationToken cancellationToken);
}
