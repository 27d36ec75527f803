namespace FlowFunctions.Analytics.Flow;

/// <summary>docs/methodology.md §1 number conventions: prices to 2 dp, ratios to 4 dp, dollars to whole units (half away from zero).</summary>
public static class Rounding
{
    public static double Price(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static double Ratio(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static long Dollars(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    /// <summary>
    /// A sum of cents as whole dollars in an answer (half away from zero). Sums are kept exact as <see cref="Int128"/>
    /// (docs/api.md "Event bounds"); an answer's number stops at ±(2^63 − 1), which no listed market's flow reaches.
    /// </summary>
    public static long DollarsFromCents(Int128 cents)
    {
        var (dollars, remainder) = Int128.DivRem(cents, 100);
        if (Int128.Abs(remainder) >= 50)
        {
            dollars += Int128.Sign(remainder);
        }

        return Count(dollars);
    }

    /// <summary>A sum (contracts, cents) as a whole number in an answer: exact up to ±(2^63 − 1), held there beyond (docs/api.md "Event bounds").</summary>
    public static long Count(Int128 value) => (long)Int128.Clamp(value, long.MinValue, long.MaxValue);

    /// <summary>Timestamps in responses: UTC, whole seconds (<c>2026-06-05T14:32:11Z</c>, docs/api.md).</summary>
    public static DateTimeOffset Seconds(DateTimeOffset ts) =>
        new(ts.UtcTicks - (ts.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
