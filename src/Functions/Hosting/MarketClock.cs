using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// The clock the analytics run on: windows end at <see cref="Now"/>, the 0DTE expiry is its New York date, the
/// simulator stamps events with it. It is the wall clock, except when the standalone simulator starts while the US
/// market is closed: then it runs <see cref="Behind"/> the wall clock, at the same speed, from 12:30 New York of the
/// latest weekday session (<see cref="ReplayStart"/>), so every endpoint shows a live session at any hour.
/// Quotas and keys always use the wall clock. A <see cref="TimeProvider"/> whose now is market time, so the ingest
/// pipeline (src/Ingest) takes it without knowing about replays. Thread-safe.
/// </summary>
public sealed class MarketClock(TimeProvider wallClock, TimeSpan behind) : TimeProvider
{
    /// <summary>Where a replayed session starts: late enough that the default windows are full, with 3½ hours still to stream.</summary>
    public static readonly TimeOnly ReplayTime = new(12, 30);

    public TimeProvider WallClock { get; } = wallClock;

    /// <summary>How far market time runs behind the wall clock; zero when live.</summary>
    public TimeSpan Behind { get; } = behind;

    public bool IsReplay => Behind > TimeSpan.Zero;

    public DateTimeOffset Now => WallClock.GetUtcNow() - Behind;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>The wall clock itself (no replay).</summary>
    public static MarketClock Live(TimeProvider wallClock) => new(wallClock, TimeSpan.Zero);

    /// <summary>A clock that replays when <see cref="ReplayStart"/> says the market is closed at the wall clock's now.</summary>
    public static MarketClock ForSimulator(TimeProvider wallClock)
    {
        var now = wallClock.GetUtcNow();
        return ReplayStart(now) is { } start ? new MarketClock(wallClock, now - start) : Live(wallClock);
    }

    /// <summary>
    /// Null while a regular session is open (weekday, 09:30 ≤ time &lt; 16:00 New York). Otherwise 12:30 New York on
    /// the latest weekday whose session has opened: today after the close, else the weekday before. Exchange holidays
    /// are not modelled.
    /// </summary>
    public static DateTimeOffset? ReplayStart(DateTimeOffset wallNow)
    {
        var date = NewYorkTime.TradingDate(wallNow);
        if (NewYorkTime.IsWeekday(date) && wallNow >= NewYorkTime.OpenUtc(date))
        {
            if (wallNow < NewYorkTime.CloseUtc(date))
            {
                return null;
            }

            return NewYorkTime.ToUtc(date, ReplayTime);
        }

        do
        {
            date = date.AddDays(-1);
        }
        while (!NewYorkTime.IsWeekday(date));

        return NewYorkTime.ToUtc(date, ReplayTime);
    }
}
