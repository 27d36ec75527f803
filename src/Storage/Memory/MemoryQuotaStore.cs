namespace FlowFunctions.Storage.Memory;

/// <summary>Request counters per key per UTC day and minute, in memory (one process). Thread-safe.</summary>
public sealed class MemoryQuotaStore : IQuotaStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public Task<QuotaDecision> TryConsumeAsync(string keyId, QuotaLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var counter = Current(keyId, now);
            var allowed = (limits.DailyLimit == 0 || counter.Day < limits.DailyLimit)
                && (limits.PerMinuteLimit == 0 || counter.Minute < limits.PerMinuteLimit);
            if (allowed)
            {
                counter = counter with { Day = counter.Day + 1, Minute = counter.Minute + 1, LastCounted = now };
                _counters[keyId] = counter;
            }

            return Task.FromResult(new QuotaDecision(allowed, counter.Usage));
        }
    }

    public Task<QuotaUsage> GetUsageAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Current(keyId, now).Usage);
        }
    }

    public Task<DateTimeOffset?> LastCountedAsync(string keyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_counters.GetValueOrDefault(keyId)?.LastCounted);
        }
    }

    private Counter Current(string keyId, DateTimeOffset now)
    {
        var day = QuotaWindows.DayStart(now);
        var minute = QuotaWindows.MinuteStart(now);
        var counter = _counters.GetValueOrDefault(keyId) ?? new Counter(day, 0, minute, 0);
        if (counter.DayStart != day)
        {
            counter = counter with { DayStart = day, Day = 0 };
        }

        if (counter.MinuteStart != minute)
        {
            counter = counter with { MinuteStart = minute, Minute = 0 };
        }

        return counter;
    }

    private sealed record Counter(DateTimeOffset DayStart, long Day, DateTimeOffset MinuteStart, long Minute)
    {
        public DateTimeOffset? LastCounted { get; init; }

        public QuotaUsage Usage => new(Day, Minute, DayStart, MinuteStart);
    }
}
