using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Testing;

/// <summary>One Event Hubs delivery as the host would send it: a partition's next batch of messages.</summary>
public sealed record Delivery(string Partition, long FirstSequence, IReadOnlyList<string> Messages, int Prints)
{
    /// <summary>The host's invocation body (double-encoded, as the host sends it).</summary>
    public byte[] Invocation() => Encoding.UTF8.GetBytes(HostPayloads.EventHub(Messages, FirstSequence, Partition));
}

/// <summary>
/// The simulated full-market trading day (seed 1, see docs/simulated-tape.md) as the benchmarks and the fault tests feed it to a
/// running app. The app under the host runs on the wall clock, so its windows must find the prints: the latest weekday
/// session is simulated, every timestamp is moved by one fixed shift so the session ends at the wall clock's last
/// minute, and every expiry by the whole days between that weekday and today, so the day's 0DTE contracts expire today.
/// One message per event, partitioned by underlying like an Event Hubs partition key.
/// </summary>
public sealed class SessionTape
{
    private SessionTape(DateOnly date, TimeSpan shift, int minutes, List<(string Symbol, string Json, bool Trade)> events, IReadOnlyList<string> symbols)
    {
        TradingDate = date;
        Shift = shift;
        Minutes = minutes;
        Events = events;
        Symbols = symbols;
    }

    /// <summary>The New York date the shifted session lands on (today).</summary>
    public DateOnly TradingDate { get; }

    /// <summary>Added to every simulated timestamp.</summary>
    public TimeSpan Shift { get; }

    /// <summary>Minutes of the session the tape holds: 390 for a whole day, fewer when it stops at the wall clock.</summary>
    public int Minutes { get; }

    public IReadOnlyList<string> Symbols { get; }

    /// <summary>The prints that count: those on the tape less those its cancels name (docs/simulated-tape.md: the simulator busts some).</summary>
    public int Prints => Events.Count(e => e.Trade) - Cancelled.Count;

    private List<(string Symbol, string Json, bool Trade)> Events { get; }

    /// <summary>The underlying and id of every print on the tape that a cancel on the tape names.</summary>
    private HashSet<(string Symbol, string Id)> Cancelled => field ??= FindCancelled(Events);

    /// <summary>
    /// Today's New York session for <paramref name="symbols"/> names, ending at the minute before
    /// <paramref name="wallNow"/>'s. Before 06:35 New York a whole session would start on the previous date, chains and
    /// all, so today would have no chain: the session then opens at 00:30 New York today instead and stops at that
    /// minute (the 0DTE figures cover less of the day, which <see cref="Warning"/> says).
    /// </summary>
    public static SessionTape EndingAt(DateTimeOffset wallNow, int symbols, double intensity = 1.0)
    {
        var today = NewYorkTime.TradingDate(wallNow);
        var date = today;
        while (!NewYorkTime.IsWeekday(date))
        {
            date = date.AddDays(-1);
        }

        var end = new DateTimeOffset(wallNow.UtcTicks - (wallNow.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var shift = end - NewYorkTime.CloseUtc(date);
        if (NewYorkTime.TradingDate(NewYorkTime.OpenUtc(date).AddMinutes(-30) + shift) != today)
        {
            shift = NewYorkTime.ToUtc(today, new TimeOnly(0, 30)) - NewYorkTime.OpenUtc(date);
        }

        return Simulate(date, symbols, shift, today.DayNumber - date.DayNumber, intensity, notAfter: end);
    }

    /// <summary>
    /// The session of <paramref name="date"/>, timestamps moved by <paramref name="shift"/> and expiries by
    /// <paramref name="days"/>; <paramref name="intensity"/> scales every symbol's print rate (1 is the full tape).
    /// </summary>
    /// <param name="notAfter">Events stamped later than this (after the shift) are left out.</param>
    public static SessionTape Simulate(DateOnly date, int symbols, TimeSpan shift, int days = 0, double intensity = 1.0, DateTimeOffset? notAfter = null, TapeRealism? realism = null)
    {
        var simulator = SimulatedDays.Simulator(seed: 1, symbols, intensity, date, realism);
        // Generate only as far as the last event kept: a slice of a wide universe need not simulate its whole day.
        var day = notAfter is { } last ? simulator.MorningAndUntil(last - shift) : simulator.FullDay();
        OptionKey Moved(OptionKey k) => k with { Expiry = k.Expiry.AddDays(days) };
        var events = new List<(string, string, bool)>(day.Order.Count);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var e in day.Order)
        {
            var stamped = day.Stamp(e).Timestamp + shift;
            if (stamped > notAfter)
            {
                continue;
            }

            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            string symbol;
            switch (e.Kind)
            {
                case MarketEventKind.Trade:
                    var t = day.Trades[e.Position];
                    EventJsonWriter.Write(writer, t with { Timestamp = t.Timestamp + shift, Contract = Moved(t.Contract) });
                    symbol = t.Underlying;
                    break;
                case MarketEventKind.Spot:
                    var s = day.Spots[e.Position];
                    EventJsonWriter.Write(writer, s with { Timestamp = s.Timestamp + shift });
                    symbol = s.Underlying;
                    break;
                case MarketEventKind.Cancel:
                    var x = day.Cancels[e.Position];
                    EventJsonWriter.Write(writer, x with { Timestamp = x.Timestamp + shift, Contract = Moved(x.Contract) });
                    symbol = x.Underlying;
                    break;
                default:
                    var c = day.Chains[e.Position];
                    EventJsonWriter.Write(writer, c with { Timestamp = c.Timestamp + shift, Contracts = [.. c.Contracts.Select(k => k with { Contract = Moved(k.Contract) })] });
                    symbol = c.Underlying;
                    break;
            }

            writer.Flush();
            events.Add((symbol, Encoding.UTF8.GetString(buffer.WrittenSpan), e.Kind == MarketEventKind.Trade));
        }

        var minutes = notAfter is { } end ? (int)Math.Clamp((end - (simulator.SessionOpen + shift)).TotalMinutes, 0, 390) : 390;
        return new SessionTape(date.AddDays(days), shift, minutes, events, [.. simulator.Universe.Select(u => u.Symbol)]);
    }

    /// <summary>
    /// The tape with <paramref name="fraction"/> of its prints (drawn by <paramref name="seed"/>) and each symbol's last
    /// print cancelled, each cancel (docs/api.md "Events") coming 1 to 300 events after its print, and the same tape with
    /// those prints left out. The last prints are the ones whose cancels change latest-of values: the newest spot and
    /// the last trade time.
    /// </summary>
    public (SessionTape Cancelled, SessionTape Without) WithCancels(double fraction, int seed)
    {
        // Among the prints the tape's own cancels leave standing.
        var random = new Random(seed);
        var standing = Events.Select((e, i) => (e, i))
            .Where(x => x.e.Trade && (Cancelled.Count == 0 || !Cancelled.Contains((x.e.Symbol, IdOf(x.e.Json)))))
            .Select(x => x.i).ToList();
        var chosen = new HashSet<int>();
        foreach (var i in standing)
        {
            if (random.NextDouble() < fraction)
            {
                chosen.Add(i);
            }
        }

        foreach (var last in standing.GroupBy(i => Events[i].Symbol).Select(g => g.Max()))
        {
            chosen.Add(last);
        }

        var later = new Dictionary<int, List<(string, string, bool)>>();
        foreach (var i in chosen)
        {
            var at = Math.Min(Events.Count - 1, i + random.Next(1, 301));
            if (!later.TryGetValue(at, out var list))
            {
                later[at] = list = [];
            }

            list.Add((Events[i].Symbol, CancelOf(Events[i].Json), false));
        }

        var cancelled = new List<(string Symbol, string Json, bool Trade)>(Events.Count + chosen.Count);
        var without = new List<(string Symbol, string Json, bool Trade)>(Events.Count);
        for (var i = 0; i < Events.Count; i++)
        {
            cancelled.Add(Events[i]);
            cancelled.AddRange(later.GetValueOrDefault(i) ?? []);
            if (!chosen.Contains(i))
            {
                without.Add(Events[i]);
            }
        }

        return (new SessionTape(TradingDate, Shift, Minutes, cancelled, Symbols), new SessionTape(TradingDate, Shift, Minutes, without, Symbols));

        static string CancelOf(string tradeJson)
        {
            var trade = JsonDocument.Parse(tradeJson).RootElement;
            var cancel = new System.Text.Json.Nodes.JsonObject { ["type"] = "cancel" };
            foreach (var name in new[] { "ts", "underlying", "expiry", "strike", "right", "id" })
            {
                cancel[name] = System.Text.Json.Nodes.JsonNode.Parse(trade.GetProperty(name).GetRawText());
            }

            return cancel.ToJsonString();
        }
    }

    /// <summary>Cancels the tape holds.</summary>
    public int Cancels => Events.Count(e => IsCancel(e.Json));

    private static bool IsCancel(string json) => json.StartsWith("{\"type\":\"cancel\"", StringComparison.Ordinal);

    private static HashSet<(string, string)> FindCancelled(List<(string Symbol, string Json, bool Trade)> events)
    {
        var named = events.Where(e => IsCancel(e.Json)).Select(e => (e.Symbol, IdOf(e.Json))).ToHashSet();
        return named.Count == 0 ? [] : events.Where(e => e.Trade).Select(e => (e.Symbol, IdOf(e.Json))).Where(named.Contains).ToHashSet();
    }

    private static string IdOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Set when part of the shifted session falls on another New York date than the wall clock's.</summary>
    public static string? Warning(DateTimeOffset wallNow)
    {
        var first = NewYorkTime.TradingDate(wallNow - TimeSpan.FromMinutes(395));
        return first == NewYorkTime.TradingDate(wallNow)
            ? null
            : "New York time was before 06:35, so the shifted session starts on the previous date and the 0DTE figures cover less than a day.";
    }

    /// <summary>
    /// The day as deliveries: events routed to <paramref name="partitions"/> partitions by underlying (FNV-1a), each
    /// partition's events in tape order cut into batches of <paramref name="batchSize"/>, sequence numbers from
    /// <paramref name="firstSequence"/>. Returned per partition, in partition order.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Delivery>> Deliveries(int batchSize, int partitions, long firstSequence = 0)
    {
        var perPartition = Enumerable.Range(0, partitions).Select(_ => new List<(string Json, bool Trade)>()).ToArray();
        foreach (var (symbol, json, trade) in Events)
        {
            perPartition[PartitionOf(symbol, partitions)].Add((json, trade));
        }

        return [.. perPartition.Select((events, p) => (IReadOnlyList<Delivery>)[.. events.Chunk(batchSize).Select((chunk, i) => new Delivery(
            p.ToString(System.Globalization.CultureInfo.InvariantCulture),
            firstSequence + ((long)i * batchSize),
            [.. chunk.Select(c => c.Json)],
            chunk.Count(c => c.Trade)))])];
    }

    public static int PartitionOf(string symbol, int partitions)
    {
        var hash = 2166136261u;
        foreach (var c in symbol)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
