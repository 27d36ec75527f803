using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Tests;

public sealed class NewYorkTimeTests
{
    [Fact]
    public void OffsetsAgreeWithTheTimeZoneDatabaseFrom2007To2040()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById("America/New_York", out var zone))
        {
            return; // no tz database on this machine; the fixed cases below still run
        }

        for (var t = new DateTimeOffset(2007, 1, 1, 0, 0, 0, TimeSpan.Zero); t.Year < 2041; t = t.AddMinutes(97 * 60 + 13))
        {
            Assert.Equal(zone.GetUtcOffset(t), NewYorkTime.OffsetAt(t));
        }
    }

    /// <summary>Years outside the worked-out table (2000–2199) are computed: 1999 and earlier once threw an overflow.</summary>
    [Theory]
    [InlineData("1999-07-01T12:00:00Z", -4)]
    [InlineData("0001-01-01T12:00:00Z", -5)]
    [InlineData("2200-07-01T12:00:00Z", -4)]
    [InlineData("9999-12-31T12:00:00Z", -5)]
    public void YearsOutsideTheTableAreComputed(string instant, int hours) =>
        Assert.Equal(TimeSpan.FromHours(hours), NewYorkTime.OffsetAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-03-08T06:59:59Z", -5)] // just before 02:00 EST on the second Sunday of March
    [InlineData("2026-03-08T07:00:00Z", -4)]
    [InlineData("2026-11-01T05:59:59Z", -4)] // just before 02:00 EDT on the first Sunday of November
    [InlineData("2026-11-01T06:00:00Z", -5)]
    public void DaylightSavingSwitchesAtTwoAmLocal(string instant, int hours) =>
        Assert.Equal(TimeSpan.FromHours(hours), NewYorkTime.OffsetAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void TradingDateIsTheNewYorkDate()
    {
        Assert.Equal(new DateOnly(2026, 6, 5), NewYorkTime.TradingDate(new DateTimeOffset(2026, 6, 6, 3, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 6, 6), NewYorkTime.TradingDate(new DateTimeOffset(2026, 6, 6, 4, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 13, 30, 0, TimeSpan.Zero), NewYorkTime.OpenUtc(new DateOnly(2026, 6, 5)));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.Zero), NewYorkTime.CloseUtc(new DateOnly(2026, 12, 4)));
    }

    /// <summary>
    /// A retention keeps a date from the date itself until <see cref="NewYorkTime.RetainedUntil"/>, and on no day
    /// after: the two functions are each other's inverse on every pair of dates of two months, for 1 to 25 days.
    /// </summary>
    [Fact]
    public void ADateIsRetainedExactlyUntilItsRetainedUntilDate()
    {
        var first = new DateOnly(2026, 5, 1);
        for (var days = 1; days <= 25; days++)
        {
            for (var d = 0; d < 31; d++)
            {
                var date = first.AddDays(d);
                var until = NewYorkTime.RetainedUntil(date, days);
                for (var t = d; t < 62; t++)
                {
                    var today = first.AddDays(t);
                    Assert.True(
                        NewYorkTime.FirstRetainedDate(today, days) <= date == today < until,
                        $"{date} with {days} days on {today}: retained until {until}");
                }
            }
        }

        // Friday's data with a week's retention goes at the next Friday's midnight; Saturday's at Monday's.
        Assert.Equal(new DateOnly(2026, 6, 12), NewYorkTime.RetainedUntil(new DateOnly(2026, 6, 5), 5));
        Assert.Equal(new DateOnly(2026, 6, 8), NewYorkTime.RetainedUntil(new DateOnly(2026, 6, 6), 1));
    }
}
