using FlowFunctions.Analytics.Streaming;

namespace FlowFunctions.Storage.Memory;

/// <summary>The stream journal in memory (standalone mode): the same pages and rules as the table, for one process. Thread-safe.</summary>
public sealed class MemoryStreamJournal : IStreamJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DateOnly, Day> _days = [];
    private readonly ETags _etags = new();

    public event Action<DateOnly>? Appended;

    public Task<bool> AppendAsync(DateOnly day, string appendId, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var d = DayOf(day);
            if (!d.Appends.Add(appendId))
            {
                return Task.FromResult(false);
            }

            AddPages(d, events);
        }

        Appended?.Invoke(day);
        return Task.FromResult(true);
    }

    public Task<StreamDayStateVersion> ReadStateAsync(DateOnly day, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_days.TryGetValue(day, out var d) && d.State is not null ? d.State : new StreamDayStateVersion(StreamDayState.Initial(day), string.Empty));
        }
    }

    public Task<bool> TryCloseAsync(DateOnly day, StreamDayStateVersion before, StreamDayState after, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var d = DayOf(day);
            if ((d.State?.ETag ?? string.Empty) != before.ETag)
            {
                return Task.FromResult(false);
            }

            d.State = new StreamDayStateVersion(after, _etags.Next());
            AddPages(d, events);
        }

        if (events.Count > 0)
        {
            Appended?.Invoke(day);
        }

        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<StreamPage>> ReadAsync(DateOnly day, long fromPage, int maxPages, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_days.TryGetValue(day, out var d))
            {
                return Task.FromResult<IReadOnlyList<StreamPage>>([]);
            }

            var from = (int)Math.Clamp(fromPage - 1, 0, d.Pages.Count);
            return Task.FromResult<IReadOnlyList<StreamPage>>(d.Pages.GetRange(from, Math.Min(maxPages, d.Pages.Count - from)));
        }
    }

    public Task<long> CountPagesAsync(DateOnly day, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_days.TryGetValue(day, out var d) ? (long)d.Pages.Count : 0L);
        }
    }

    public Task PruneAsync(DateOnly firstKept, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var day in _days.Keys.Where(d => d < firstKept).ToList())
            {
                _days.Remove(day);
            }
        }

        return Task.CompletedTask;
    }

    private Day DayOf(DateOnly day)
    {
        if (!_days.TryGetValue(day, out var d))
        {
            _days[day] = d = new Day();
        }

        return d;
    }

    private static void AddPages(Day d, IReadOnlyList<StreamRecord> events)
    {
        foreach (var page in StreamPages.Split(events))
        {
            d.Pages.Add(new StreamPage(d.Pages.Count + 1, page));
        }
    }

    private sealed class Day
    {
        public List<StreamPage> Pages { get; } = [];

        public HashSet<string> Appends { get; } = new(StringComparer.Ordinal);

        public StreamDayStateVersion? State { get; set; }
    }
}
