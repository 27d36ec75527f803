namespace FlowFunctions.Analytics.Flow;

/// <summary>docs/methodology.md §1 number conventions: prices to 2 dp, ratios to 4 dp, dollars to whole units (half away from zero).</summary>
public static class Rounding
{
    public static double Price(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static double Ratio(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static long Dollars(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    public static long DollarsFromCents(long cents) => (long)Math.Round(cents / 100.0, MidpointRounding.AwayFromZero);

    /// <summary>Timestamps in responses: UTC, whole seconds (<c>2026-06-05T14:32:11Z</c>, docs/api.md).</summary>
    public static DateTimeOffset Seconds(DateTimeOffset ts) =>
        new(ts.UtcTicks - (ts.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
