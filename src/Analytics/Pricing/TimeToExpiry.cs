using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Pricing;

/// <summary>
/// docs/methodology.md §3: time to expiry = seconds from the valuation instant to 16:00 New York on the expiry date,
/// floored at 60 seconds, divided by 365 × 86,400.
/// </summary>
public static class TimeToExpiry
{
    public const double FloorSeconds = 60;
    public const double SecondsPerYear = 365 * 86_400;

    public static double Years(DateTimeOffset valuationInstant, DateOnly expiry) =>
        Years(valuationInstant, NewYorkTime.CloseUtc(expiry));

    /// <summary>Same as <see cref="Years(DateTimeOffset, DateOnly)"/> with the expiry's close already resolved.</summary>
    public static double Years(DateTimeOffset valuationInstant, DateTimeOffset expiryCloseUtc)
    {
        var seconds = (expiryCloseUtc.UtcTicks - valuationInstant.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        return Math.Max(seconds, FloorSeconds) / SecondsPerYear;
    }
}
