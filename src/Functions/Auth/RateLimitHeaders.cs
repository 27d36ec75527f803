using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Auth;

/// <summary>The quota window a response reports: its limit, what is left and when it resets.</summary>
public readonly record struct RateLimitWindow(long Limit, long Remaining, DateTimeOffset Reset)
{
    /// <summary>Reported for a plan with no limits at all (both limits 0).</summary>
    public const long Unlimited = int.MaxValue;
}

/// <summary>
/// The <c>X-RateLimit-*</c> headers of docs/api.md "Keys, plans and quotas". A plan with a daily limit reports the UTC day; a plan with only a
/// per-minute limit (alpha) reports the UTC minute; with both, the one with less left; with neither,
/// <see cref="RateLimitWindow.Unlimited"/>.
/// </summary>
public static class RateLimitHeaders
{
    public const string Limit = "X-RateLimit-Limit";
    public const string Remaining = "X-RateLimit-Remaining";
    public const string Reset = "X-RateLimit-Reset";

    public static RateLimitWindow Window(QuotaLimits limits, QuotaUsage usage)
    {
        var day = new RateLimitWindow(limits.DailyLimit, Math.Max(0, limits.DailyLimit - usage.UsedToday), usage.Day.AddDays(1));
        var minute = new RateLimitWindow(limits.PerMinuteLimit, Math.Max(0, limits.PerMinuteLimit - usage.UsedThisMinute), usage.Minute.AddMinutes(1));
        return (limits.DailyLimit > 0, limits.PerMinuteLimit > 0) switch
        {
            (true, true) => minute.Remaining < day.Remaining ? minute : day,
            (true, false) => day,
            (false, true) => minute,
            _ => new RateLimitWindow(RateLimitWindow.Unlimited, RateLimitWindow.Unlimited, usage.Day.AddDays(1)),
        };
    }

    public static void Apply(HttpResponse response, RateLimitWindow window)
    {
        response.Headers[Limit] = window.Limit.ToString();
        response.Headers[Remaining] = window.Remaining.ToString();
        response.Headers[Reset] = window.Reset.ToUnixTimeSeconds().ToString();
    }

    /// <summary>Whole seconds until the exhausted window resets, at least 1 (for <c>Retry-After</c>).</summary>
    public static long RetryAfterSeconds(QuotaLimits limits, QuotaUsage usage, DateTimeOffset now)
    {
        var minuteExhausted = limits.PerMinuteLimit > 0 && usage.UsedThisMinute >= limits.PerMinuteLimit;
        var dayExhausted = limits.DailyLimit > 0 && usage.UsedToday >= limits.DailyLimit;
        var reset = dayExhausted ? usage.Day.AddDays(1) : minuteExhausted ? usage.Minute.AddMinutes(1) : now;
        return Math.Max(1, (long)Math.Ceiling((reset - now).TotalSeconds));
    }
}
