using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>Minute buckets: timestamps floored to the minute, UTC (docs/methodology.md §1), as minutes since the Unix epoch.</summary>
public static class MinuteBucket
{
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;

    public static long Of(DateTimeOffset ts) => (ts.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMinute;

    public static DateTimeOffset Start(long minute) => DateTimeOffset.UnixEpoch.AddTicks(minute * TicksPerMinute);

    /// <summary>
    /// The buckets of "the last N minutes ending now" (docs/methodology.md §1): bucket starts b with now − N min &lt; b ≤ now, which is
    /// exactly N buckets, the newest being the one now falls in.
    /// </summary>
    public static (long First, long Last) Window(DateTimeOffset now, int minutes)
    {
        var last = Of(now);
        return (last - minutes + 1, last);
    }
}

/// <summary>Key of the per-symbol-per-minute aggregate.</summary>
public readonly record struct SymbolMinute(string Symbol, long Minute);

/// <summary>Key of the per-contract-per-trading-date aggregate.</summary>
public readonly record struct ContractDay(string Symbol, DateOnly TradingDate, OptionKey Contract);

/// <summary>Key of the 0DTE per-symbol-per-minute-per-strike aggregate (the expiry is the minute's trading date).</summary>
public readonly record struct StrikeMinute(string Symbol, long Minute, int StrikeMilli);
