using System.Collections.Concurrent;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Leaderboards;

/// <summary>
/// The leaderboard's caching rule (docs/api.md "Leaderboard caching"): a (n, windowMinutes) request answers a stored snapshot while it is under
/// <see cref="FreshFor"/> old, so polling faster than that returns the same snapshot; an older one is rebuilt on
/// demand (once, however many requests wait for it), so nothing served is ever <see cref="MaxAge"/> old. Snapshots are
/// built at full depth (50 rows a side) per window, and a smaller <c>n</c> is the head of the same ranking.
/// <see cref="RefreshAsync"/> is the timer's operation: it rebuilds the standard windows and every window asked for
/// recently, so most requests find a fresh snapshot. Thread-safe.
/// </summary>
public sealed partial class LeaderboardSnapshots(
    IFlowStore flows,
    ISnapshotStore snapshots,
    MarketClock clock,
    ILogger<LeaderboardSnapshots> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Windows the timer always refreshes: the default, the dashboard's choices and the longest.</summary>
    public static IReadOnlyList<int> StandardWindows { get; } = [15, 60, 240, 390, 1_440, 10_080];

    /// <summary>A window asked for within this long is refreshed by the timer too.</summary>
    public static readonly TimeSpan RecentRequest = TimeSpan.FromMinutes(15);

    /// <summary>At most this many recently requested windows are refreshed per run, the most recent first.</summary>
    public const int MaxRecentWindows = 24;

    private readonly ConcurrentDictionary<int, DateTimeOffset> _requested = new();
    private readonly Lock _admission = new();

    /// <summary>Raised after a snapshot is rebuilt (answers cached from before are stale).</summary>
    public event Action? Rebuilt;
    private readonly ConcurrentDictionary<int, Lazy<Task<LeaderboardSnapshot>>> _building = new();

    /// <summary>
    /// Whether a request may have <paramref name="windowMinutes"/> built (docs/api.md "Leaderboard caching"): a
    /// standard window always, and at most <see cref="MaxRecentWindows"/> other windows asked for within
    /// <see cref="RecentRequest"/> on this instance; a further one is refused until the oldest of them ages out, in
    /// <paramref name="retryAfter"/>. So no caller can make an instance build a market-wide snapshot per request.
    /// </summary>
    public bool TryAdmit(int windowMinutes, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var now = clock.Now;
        if (StandardWindows.Contains(windowMinutes) || (_requested.TryGetValue(windowMinutes, out var at) && now - at <= RecentRequest))
        {
            return true;
        }

        lock (_admission)
        {
            var live = _requested.Where(r => !StandardWindows.Contains(r.Key) && now - r.Value <= RecentRequest).Select(r => r.Value).ToList();
            if (live.Count < MaxRecentWindows)
            {
                _requested[windowMinutes] = now;
                return true;
            }

            retryAfter = live.Min() + RecentRequest - now;
            return false;
        }
    }

    /// <summary>The snapshot a request for <paramref name="windowMinutes"/> (already clamped) answers.</summary>
    public async Task<LeaderboardSnapshot> GetAsync(int windowMinutes, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        _requested[windowMinutes] = now;
        var held = await snapshots.GetAsync(windowMinutes, cancellationToken);
        if (held is not null && now - held.GeneratedUtc < FreshFor)
        {
            return held;
        }

        return await BuildOnceAsync(windowMinutes).WaitAsync(cancellationToken);
    }

    /// <summary>The timer operation: rebuilds every standard and recently requested window. Returns how many.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var windows = new SortedSet<int>(StandardWindows);
        foreach (var (window, at) in _requested)
        {
            if (now - at > RecentRequest)
            {
                _requested.TryRemove(window, out _);
            }
        }

        // Bounded, so a caller asking for every window cannot make each run rebuild thousands of them.
        foreach (var (window, _) in _requested.OrderByDescending(r => r.Value).Take(MaxRecentWindows))
        {
            windows.Add(window);
        }

        foreach (var window in windows)
        {
            await BuildAsync(window, cancellationToken);
        }

        LogRefreshed(logger, windows.Count);
        return windows.Count;
    }

    /// <summary>The first <paramref name="n"/> rows a side of a snapshot, as the response for (n, window).</summary>
    public static LeaderboardResponse Head(LeaderboardSnapshot snapshot, int n)
    {
        var board = snapshot.Board;
        return board with
        {
            N = n,
            Buyers = board.Buyers.Count <= n ? board.Buyers : board.Buyers.Take(n).ToArray(),
            Sellers = board.Sellers.Count <= n ? board.Sellers : board.Sellers.Take(n).ToArray(),
        };
    }

    private Task<LeaderboardSnapshot> BuildOnceAsync(int windowMinutes)
    {
        var lazy = _building.GetOrAdd(windowMinutes, w => new Lazy<Task<LeaderboardSnapshot>>(() => BuildAndForgetAsync(w)));
        return lazy.Value;
    }

    private async Task<LeaderboardSnapshot> BuildAndForgetAsync(int windowMinutes)
    {
        try
        {
            // Shared by every waiting request, so no single caller's cancellation may abandon it.
            return await BuildAsync(windowMinutes, CancellationToken.None);
        }
        finally
        {
            _building.TryRemove(windowMinutes, out _);
        }
    }

    private async Task<LeaderboardSnapshot> BuildAsync(int windowMinutes, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var (first, last) = MinuteBucket.Window(now, windowMinutes);
        var totals = await flows.ReadWindowTotalsAsync(first, last, cancellationToken);
        var board = Leaderboard.Build(totals, Leaderboard.MaxN, windowMinutes, now);
        var stored = await snapshots.PutIfNewerAsync(new LeaderboardSnapshot(windowMinutes, board), cancellationToken);
        Rebuilt?.Invoke();
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leaderboard snapshots refreshed for {Windows} windows")]
    private static partial void LogRefreshed(ILogger logger, int windows);
}
