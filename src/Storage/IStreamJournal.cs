using System.Text;
using FlowFunctions.Analytics.Streaming;

namespace FlowFunctions.Storage;

/// <summary>The closer's state of a day as read, with the version a close must still find to replace it.</summary>
/// <param name="ETag">Empty when the day has no state stored yet (then <see cref="State"/> is the initial one).</param>
public sealed record StreamDayStateVersion(StreamDayState State, string ETag);

/// <summary>
/// The live flow stream's journal (docs/api.md "Live flow stream", docs/storage.md "Stream journal"): per trading day,
/// pages of events numbered from 1 without gaps, in the order they were appended, whichever instance appended them.
/// Appends are all or nothing; a page, once readable, never changes. Two writers: the ingest pipeline appends a batch's
/// block prints once per batch id, and the minute closer appends a minute's finals and alerts while replacing the day's
/// state, only if nobody replaced it first. Implementations are thread-safe.
/// </summary>
public interface IStreamJournal
{
    /// <summary>Raised after an append or close by this process (other instances' appends are found by reading).</summary>
    event Action<DateOnly>? Appended;

    /// <summary>Appends <paramref name="events"/> to the day's journal once per <paramref name="appendId"/>; false when that id was appended before (nothing changes).</summary>
    Task<bool> AppendAsync(DateOnly day, string appendId, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken);

    /// <summary>The day's closer state, or the initial state with an empty ETag.</summary>
    Task<StreamDayStateVersion> ReadStateAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the day's state with <paramref name="after"/> and appends <paramref name="events"/> in one write, if
    /// the state is still at <paramref name="before"/>'s ETag; false (nothing written) when another close came first.
    /// </summary>
    Task<bool> TryCloseAsync(DateOnly day, StreamDayStateVersion before, StreamDayState after, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken);

    /// <summary>Pages <paramref name="fromPage"/> on (at most <paramref name="maxPages"/>), ascending; empty past the end.</summary>
    Task<IReadOnlyList<StreamPage>> ReadAsync(DateOnly day, long fromPage, int maxPages, CancellationToken cancellationToken);

    /// <summary>How many pages the day's journal has (the number of its last page; 0 when empty).</summary>
    Task<long> CountPagesAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Drops the journals and states of days before <paramref name="firstKept"/>.</summary>
    Task PruneAsync(DateOnly firstKept, CancellationToken cancellationToken);
}

/// <summary>How the journals cut events into pages and write a page's events (one line each: kind, symbol, body).</summary>
public static class StreamPages
{
    /// <summary>A page's encoded size limit: under a table property's 64 KiB.</summary>
    public const int MaxPageBytes = 60_000;

    /// <summary>Events in order, cut into pages of at most <see cref="MaxPageBytes"/> encoded (an event is never cut).</summary>
    public static List<List<StreamRecord>> Split(IReadOnlyList<StreamRecord> events)
    {
        var pages = new List<List<StreamRecord>>();
        var size = 0;
        foreach (var e in events)
        {
            var bytes = EncodedLength(e);
            if (pages.Count == 0 || size + bytes > MaxPageBytes)
            {
                pages.Add([]);
                size = 0;
            }

            pages[^1].Add(e);
            size += bytes;
        }

        return pages;
    }

    public static byte[] Encode(IReadOnlyList<StreamRecord> events)
    {
        var sb = new StringBuilder();
        foreach (var e in events)
        {
            sb.Append((char)('0' + (int)e.Kind)).Append('\t').Append(e.Symbol).Append('\t').Append(e.Data).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static IReadOnlyList<StreamRecord> Decode(ReadOnlySpan<byte> bytes)
    {
        var events = new List<StreamRecord>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t', 3);
            events.Add(new StreamRecord((StreamEventKind)(parts[0][0] - '0'), parts[1], parts[2]));
        }

        return events;
    }

    private static int EncodedLength(StreamRecord e) => 4 + e.Symbol.Length + Encoding.UTF8.GetByteCount(e.Data);
}
