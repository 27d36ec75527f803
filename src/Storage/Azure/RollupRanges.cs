using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Which rollup rows a leaderboard window reads (docs/storage.md, "Query plan per endpoint"): pure arithmetic on
/// minute numbers and row keys, no storage, so it is unit-tested on its own.
/// </summary>
internal static class RollupRanges
{
    /// <summary>
    /// The row-key ranges [from, to) of the rollups that cover minutes [first, end) exactly: minute rollups for the
    /// ragged edges, hour rollups up to whole UTC days, day rollups between. At most five ranges, whatever the window.
    /// </summary>
    public static List<(string From, string To)> Of(long first, long end)
    {
        var ranges = new List<(string, string)>();
        var h0 = CeilDiv(first, 60);
        var h1 = end / 60;
        if (h0 >= h1)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(first), FlowRows.MinuteRollupFrom(end)));
            return ranges;
        }

        if (first < h0 * 60)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(first), FlowRows.MinuteRollupFrom(h0 * 60)));
        }

        var d0 = CeilDiv(h0, 24);
        var d1 = h1 / 24;
        if (d0 >= d1)
        {
            ranges.Add((FlowRows.HourRollupFrom(h0), FlowRows.HourRollupFrom(h1)));
        }
        else
        {
            if (h0 < d0 * 24)
            {
                ranges.Add((FlowRows.HourRollupFrom(h0), FlowRows.HourRollupFrom(d0 * 24)));
            }

            ranges.Add((FlowRows.DayRollupFrom(d0), FlowRows.DayRollupFrom(d1)));
            if (d1 * 24 < h1)
            {
                ranges.Add((FlowRows.HourRollupFrom(d1 * 24), FlowRows.HourRollupFrom(h1)));
            }
        }

        if (h1 * 60 < end)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(h1 * 60), FlowRows.MinuteRollupFrom(end)));
        }

        return ranges;
    }

    /// <summary>Keeps a minute range inside what row keys can spell (year 1970 to 9999); false when it is empty.</summary>
    public static bool Clamp(ref long first, ref long last)
    {
        var max = MinuteBucket.Of(new DateTimeOffset(9999, 12, 30, 0, 0, 0, TimeSpan.Zero));
        first = Math.Max(first, 0);
        last = Math.Min(last, max);
        return first <= last;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
