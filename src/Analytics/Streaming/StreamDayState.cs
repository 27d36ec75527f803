using System.Globalization;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Flow;

namespace FlowFunctions.Analytics.Streaming;

/// <summary>What the stream knows of one symbol at the last closed minute: its net volume since the day's first minute and its last read.</summary>
public readonly record struct SymbolStreamState(long Cumulative, SymbolRead? Read);

/// <summary>
/// The minute closer's state for one trading day (docs/api.md "Live flow stream"): the last minute closed and, per
/// symbol, the running net volume and the last read. Stored beside the day's journal and replaced, only if unchanged
/// since it was read, in the same write as the events a close appends, so two instances never close a minute twice.
/// Immutable.
/// </summary>
public sealed record StreamDayState(long LastClosedMinute, IReadOnlyDictionary<string, SymbolStreamState> Symbols)
{
    /// <summary>The state before any close: the minute before the day's first (00:00 New York).</summary>
    public static StreamDayState Initial(DateOnly day) =>
        new(MinuteBucket.Of(Time.NewYorkTime.ToUtc(day, TimeOnly.MinValue)) - 1, new Dictionary<string, SymbolStreamState>(StringComparer.Ordinal));

    /// <summary>One line per symbol, <c>symbol cumulative score regime direction</c>, after a first line with the last closed minute.</summary>
    public string Encode()
    {
        var sb = new StringBuilder(32 + (Symbols.Count * 40));
        sb.Append(LastClosedMinute.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (symbol, s) in Symbols.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(symbol).Append(' ').Append(s.Cumulative.ToString(CultureInfo.InvariantCulture));
            if (s.Read is { } r)
            {
                sb.Append(' ').Append(r.Score.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(r.Regime).Append(' ').Append(r.Direction);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    public static StreamDayState Decode(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var symbols = new Dictionary<string, SymbolStreamState>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(' ');
            SymbolRead? read = parts.Length >= 5 ? new SymbolRead(int.Parse(parts[2], CultureInfo.InvariantCulture), parts[3], parts[4]) : null;
            symbols[parts[0]] = new SymbolStreamState(long.Parse(parts[1], CultureInfo.InvariantCulture), read);
        }

        return new StreamDayState(long.Parse(lines[0], CultureInfo.InvariantCulture), symbols);
    }
}

/// <summary>
/// Closing one minute (pure): the final minute event of every symbol that printed in it, in symbol order, then the
/// alerts of the reads taken at its close, and the state after it. Thread-safe (stateless).
/// </summary>
public static class MinuteClose
{
    /// <param name="state">The state after the minute before.</param>
    /// <param name="minute">The minute closed: <c>state.LastClosedMinute + 1</c> or later (the minutes between had no prints).</param>
    /// <param name="tallies">Each symbol's tally of the minute (symbols without prints are skipped).</param>
    /// <param name="reads">The reads taken at the close, for the symbols that printed (a symbol missing keeps its last read).</param>
    public static (IReadOnlyList<StreamRecord> Events, StreamDayState After) Close(
        StreamDayState state,
        long minute,
        IReadOnlyList<KeyValuePair<string, FlowTally>> tallies,
        IReadOnlyDictionary<string, SymbolRead> reads)
    {
        if (minute <= state.LastClosedMinute)
        {
            throw new ArgumentOutOfRangeException(nameof(minute), "A minute closes once, after the minutes before it.");
        }

        var symbols = new Dictionary<string, SymbolStreamState>(state.Symbols, StringComparer.Ordinal);
        var events = new List<StreamRecord>();
        var alerts = new List<StreamRecord>();
        var closeTime = MinuteBucket.Start(minute + 1);
        foreach (var (symbol, tally) in tallies.Where(t => !t.Value.IsEmpty).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            symbols.TryGetValue(symbol, out var before);
            var cumulative = Rounding.Count(before.Cumulative + tally.NetVolume);
            events.Add(new StreamRecord(StreamEventKind.Minute, symbol, StreamEvents.Minute(symbol, minute, tally, cumulative, final: true)));
            var read = before.Read;
            if (reads.TryGetValue(symbol, out var now))
            {
                foreach (var alert in AlertRule.Compare(symbol, closeTime, before.Read, now))
                {
                    alerts.Add(new StreamRecord(StreamEventKind.Alert, symbol, StreamEvents.Alert(alert)));
                }

                read = now;
            }

            symbols[symbol] = new SymbolStreamState(cumulative, read);
        }

        events.AddRange(alerts);
        return (events, new StreamDayState(minute, symbols));
    }

    /// <summary>
    /// Corrections of closed minutes (docs/api.md "Live flow stream", "Corrections"): a late print or a cancel changed
    /// the minutes <paramref name="changed"/> of one symbol, all closed. The revised final of every closed minute of the
    /// symbol from the earliest changed one on (their <c>cumulative</c> moved too), each marked a revision, a changed
    /// minute left without prints included as empty; and the state with the symbol's running net volume as it now is.
    /// </summary>
    /// <param name="minutes">The symbol's minute tallies of the day up to the last closed minute, ascending, as the store now holds them.</param>
    public static (IReadOnlyList<StreamRecord> Events, StreamDayState After) Revise(
        StreamDayState state,
        DateOnly day,
        string symbol,
        IReadOnlyCollection<long> changed,
        IReadOnlyList<KeyValuePair<long, FlowTally>> minutes)
    {
        var first = changed.Min();
        var dayStart = MinuteBucket.Of(Time.NewYorkTime.ToUtc(day, TimeOnly.MinValue));
        if (first < dayStart || changed.Max() > state.LastClosedMinute)
        {
            throw new ArgumentOutOfRangeException(nameof(changed), "Only closed minutes of the day are revised.");
        }

        var held = minutes.ToDictionary(m => m.Key, m => m.Value);
        var revised = new SortedSet<long>(minutes.Where(m => m.Key >= first && !m.Value.IsEmpty).Select(m => m.Key));
        revised.UnionWith(changed);
        Int128 running = 0;
        foreach (var (minute, tally) in minutes)
        {
            if (minute < first)
            {
                running += tally.NetVolume;
            }
        }

        var events = new List<StreamRecord>(revised.Count);
        foreach (var minute in revised)
        {
            var tally = held.GetValueOrDefault(minute);
            running += tally.NetVolume;
            events.Add(new StreamRecord(StreamEventKind.Minute, symbol, StreamEvents.Minute(symbol, minute, tally, Rounding.Count(running), final: true, revision: true)));
        }

        var symbols = new Dictionary<string, SymbolStreamState>(state.Symbols, StringComparer.Ordinal);
        symbols.TryGetValue(symbol, out var before);
        symbols[symbol] = before with { Cumulative = Rounding.Count(minutes.Aggregate(Int128.Zero, static (sum, m) => sum + m.Value.NetVolume)) };
        return (events, state with { Symbols = symbols });
    }
}
