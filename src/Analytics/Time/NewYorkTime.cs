namespace FlowFunctions.Analytics.Time;

/// <summary>
/// America/New_York wall-clock arithmetic for the US equity-options calendar: trading dates, the 16:00 close,
/// and the 09:30 open. Pure arithmetic on the US daylight-saving rule in force since 2007 (second Sunday of
/// March 02:00 to first Sunday of November 02:00), so it needs no time-zone database and costs a few
/// nanoseconds on the hot path. Thread-safe (stateless).
/// </summary>
public static class NewYorkTime
{
    private static readonly TimeSpan Standard = TimeSpan.FromHours(-5);
    private static readonly TimeSpan Daylight = TimeSpan.FromHours(-4);

    /// <summary>The regular-session close, 16:00 New York.</summary>
    public static readonly TimeOnly Close = new(16, 0);

    /// <summary>The regular-session open, 09:30 New York.</summary>
    public static readonly TimeOnly Open = new(9, 30);

    /// <summary>New York's UTC offset at an instant.</summary>
    public static TimeSpan OffsetAt(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var (start, end) = DaylightWindowUtc(utc.Year);
        return utc >= start && utc < end ? Daylight : Standard;
    }

    /// <summary>The instant expressed in New York wall-clock time.</summary>
    public static DateTimeOffset ToNewYork(DateTimeOffset instant) => instant.ToOffset(OffsetAt(instant));

    /// <summary>The trading date of an instant: its calendar date in New York (docs/methodology.md §1).</summary>
    public static DateOnly TradingDate(DateTimeOffset instant) =>
        DateOnly.FromDayNumber((int)((instant.UtcTicks + OffsetAt(instant).Ticks) / TimeSpan.TicksPerDay));

    /// <summary>The UTC instant of a New York wall-clock time on a date.</summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly localTime)
    {
        var local = date.ToDateTime(localTime, DateTimeKind.Unspecified);
        var (startLocal, endLocal) = DaylightWindowLocal(date.Year);
        var offset = local >= startLocal && local < endLocal ? Daylight : Standard;
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>16:00 New York on <paramref name="date"/>, as UTC: the expiry instant used for time to expiry.</summary>
    public static DateTimeOffset CloseUtc(DateOnly date) => ToUtc(date, Close);

    /// <summary>09:30 New York on <paramref name="date"/>, as UTC.</summary>
    public static DateTimeOffset OpenUtc(DateOnly date) => ToUtc(date, Open);

    /// <summary>True for Monday to Friday (exchange holidays are not modelled).</summary>
    public static bool IsWeekday(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>
    /// The first trading date a retention of <paramref name="tradingDays"/> keeps on <paramref name="today"/>: the
    /// earliest of the last <paramref name="tradingDays"/> weekdays up to today (today counts when it is one), so a
    /// weekend never uses up a day of it (docs/api.md "Retention"; exchange holidays are counted as trading days).
    /// </summary>
    public static DateOnly FirstRetainedDate(DateOnly today, int tradingDays)
    {
        var date = today;
        var counted = IsWeekday(date) ? 1 : 0;
        while (counted < Math.Max(1, tradingDays))
        {
            date = date.AddDays(-1);
            counted += IsWeekday(date) ? 1 : 0;
        }

        return date;
    }

    /// <summary>
    /// The first date on which a retention of <paramref name="tradingDays"/> no longer keeps <paramref name="date"/>:
    /// the <paramref name="tradingDays"/>-th weekday after it (the inverse of <see cref="FirstRetainedDate"/>: from that
    /// date on, <c>FirstRetainedDate(today, tradingDays) &gt; date</c>).
    /// </summary>
    public static DateOnly RetainedUntil(DateOnly date, int tradingDays)
    {
        var until = date;
        for (var counted = 0; counted < Math.Max(1, tradingDays);)
        {
            until = until.AddDays(1);
            counted += IsWeekday(until) ? 1 : 0;
        }

        return until;
    }

    private static (DateTime Start, DateTime End) DaylightWindowLocal(int year) =>
        (NthSunday(year, 3, 2).AddHours(2), NthSunday(year, 11, 1).AddHours(2));

    private static (DateTime Start, DateTime End) DaylightWindowUtc(int year) =>
        unchecked((uint)(year - FirstTabulatedYear)) < (uint)DaylightWindowsUtc.Length ? DaylightWindowsUtc[year - FirstTabulatedYear] : ComputeDaylightWindowUtc(year);

    private static (DateTime Start, DateTime End) ComputeDaylightWindowUtc(int year)
    {
        var (start, end) = DaylightWindowLocal(year);
        return (start.AddHours(5), end.AddHours(4)); // 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC
    }

    // The UTC daylight windows of 2000–2199, worked out once: the parser and the fold ask for one per event.
    private const int FirstTabulatedYear = 2000;

    private static readonly (DateTime Start, DateTime End)[] DaylightWindowsUtc =
        [.. Enumerable.Range(FirstTabulatedYear, 200).Select(ComputeDaylightWindowUtc)];

    private static DateTime NthSunday(int year, int month, int n)
    {
        var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var toSunday = ((int)DayOfWeek.Sunday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(toSunday + (7 * (n - 1)));
    }
}
