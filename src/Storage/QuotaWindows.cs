namespace FlowFunctions.Storage;

/// <summary>The quota windows of docs/api.md "Keys, plans and quotas": the UTC day and the UTC minute a request falls in.</summary>
public static class QuotaWindows
{
    public static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static DateTimeOffset MinuteStart(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
