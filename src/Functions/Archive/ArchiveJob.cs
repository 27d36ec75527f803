using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Archive;

namespace FlowFunctions.Functions.Archive;

/// <summary>
/// The day archive's settings, section <c>Archive</c> (docs/storage.md "Day archive"). On Azure the archive is the
/// account's <c>archive</c> container; standalone, a folder when <see cref="Directory"/> is set, else none.
/// </summary>
public sealed class ArchiveOptions
{
    public const string SectionName = "Archive";

    /// <summary>Whether the close writes the day archive at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Standalone: the folder the archive goes to (unset: no archive).</summary>
    public string? Directory { get; set; }
}

/// <summary>
/// Writes the day archive at the close (docs/storage.md "Day archive"): from <see cref="SettledAfter"/> New York time
/// on a weekday, that date; before it, the weekday before. A date is written once, when its marker is missing, so
/// instances that race write the same files. Run by the 30-second job (<see cref="Leaderboards.SnapshotJob"/>).
/// Thread-safe.
/// </summary>
public sealed class ArchiveJob(IFlowStore store, IArchiveSink? sink, MarketClock clock, ILogger<ArchiveJob> logger)
{
    /// <summary>A quarter of an hour after the close: late prints of the session are in by then.</summary>
    public static readonly TimeOnly SettledAfter = new(16, 15);

    private readonly Lock _lock = new();
    private DateOnly _done = DateOnly.MinValue;
    private bool _running;

    /// <summary>Archives the last settled trading date when it is not yet; returns what was written, or null.</summary>
    public async Task<DayArchiveResult?> RunDueAsync(CancellationToken cancellationToken)
    {
        if (sink is null)
        {
            return null;
        }

        var date = LastSettledDate(clock.Now);
        lock (_lock)
        {
            // One run at a time per instance; a run already under way, or a date already done, skips.
            if (date <= _done || _running)
            {
                return null;
            }

            _running = true;
        }

        try
        {
            if (await sink.ExistsAsync(DayArchive.MarkerOf(date), cancellationToken))
            {
                Done(date);
                return null;
            }

            var result = await DayArchive.WriteAsync(store, date, sink, cancellationToken);
            Done(date);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "Archived {Date}: {Symbols} symbols, {Files} files, {Minutes} minute rows, {ZeroDte} 0DTE rows, {Contracts} contract rows.",
                    date, result.Symbols, result.Files, result.MinuteRows, result.ZeroDteRows, result.ContractRows);
            }

            return result;
        }
        finally
        {
            lock (_lock)
            {
                _running = false;
            }
        }
    }

    private void Done(DateOnly date)
    {
        lock (_lock)
        {
            _done = date;
        }
    }

    /// <summary>The newest weekday whose session has settled at <paramref name="now"/>.</summary>
    public static DateOnly LastSettledDate(DateTimeOffset now)
    {
        var date = NewYorkTime.TradingDate(now);
        if (now < NewYorkTime.ToUtc(date, SettledAfter))
        {
            date = date.AddDays(-1);
        }

        while (!NewYorkTime.IsWeekday(date))
        {
            date = date.AddDays(-1);
        }

        return date;
    }
}
