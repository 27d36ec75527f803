using System.Globalization;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Storage.Azure;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// The rollup rows a leaderboard window reads (<see cref="RollupRanges"/>), without storage: for any window the ranges
/// cover its minutes exactly once, with at most five ranges.
/// </summary>
public sealed class RollupRangesTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(59, 61)]
    [InlineData(60, 120)]
    [InlineData(61, 1_500)]
    [InlineData(1_439, 2_881)]
    [InlineData(1_440, 2_880)]
    [InlineData(100, 100 + 10_080)]
    public void EveryMinuteOfTheWindowIsCoveredOnce(long offset, long endOffset) => AssertExact(Base + offset, Base + endOffset);

    [Fact]
    public void RandomWindowsAreCoveredExactlyInAtMostFiveRanges()
    {
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            var first = Base + random.Next(0, 20_000);
            AssertExact(first, first + random.Next(1, 10_081));
        }
    }

    [Fact]
    public void ClampKeepsWindowsWithinWhatRowKeysSpell()
    {
        long first = -50, last = 10;
        Assert.True(RollupRanges.Clamp(ref first, ref last));
        Assert.Equal((0, 10), (first, last));
        long late = long.MaxValue - 5, later = long.MaxValue;
        Assert.False(RollupRanges.Clamp(ref late, ref later));
    }

    private static readonly long Base = MinuteBucket.Of(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

    private static void AssertExact(long first, long end)
    {
        var ranges = RollupRanges.Of(first, end);
        Assert.InRange(ranges.Count, 1, 5);
        var covered = new List<(long From, long To)>();
        foreach (var (from, to) in ranges)
        {
            Assert.Equal(from[0], to[0]); // one family per range
            covered.Add((MinuteOf(from), MinuteOf(to)));
        }

        covered.Sort();
        Assert.Equal(first, covered[0].From);
        for (var i = 1; i < covered.Count; i++)
        {
            Assert.Equal(covered[i - 1].To, covered[i].From); // no gap, no overlap
        }

        Assert.Equal(end, covered[^1].To);
    }

    /// <summary>The first minute a rollup row key names: <c>M|yyyyMMddHHmm</c>, <c>H|yyyyMMddHH</c>, <c>D|yyyyMMdd</c>.</summary>
    private static long MinuteOf(string key)
    {
        var format = key[0] switch { 'M' => "yyyyMMddHHmm", 'H' => "yyyyMMddHH", 'D' => "yyyyMMdd", _ => throw new ArgumentException(key) };
        var at = DateTimeOffset.ParseExact(key[2..], format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return MinuteBucket.Of(at);
    }
}
