using System.Collections.Concurrent;
using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Testing;

/// <summary>
/// The simulated trading days the tests and the benchmarks run on, built here and nowhere else: the market simulator
/// (docs/simulated-tape.md) on Friday 2026-06-05 unless a test needs another date, by seed, number of names and print
/// intensity. A whole day is simulated once per process and shared (it is read-only once built).
/// </summary>
public static class SimulatedDays
{
    /// <summary>The seed pages' trading day, a Friday.</summary>
    public static readonly DateOnly Friday = new(2026, 6, 5);

    /// <summary>09:30 New York on <see cref="Friday"/>.</summary>
    public static readonly DateTimeOffset Open = new(2026, 6, 5, 13, 30, 0, TimeSpan.Zero);

    private static readonly ConcurrentDictionary<(int, int, double), Lazy<EventBatch>> Days = new();

    /// <summary>
    /// The tape's realism without its cancels, for a test that delivers batches out of order: a cancel delivered before
    /// its print finds nothing to cancel (docs/methodology.md §13), so order matters to a tape with cancels. Every
    /// other event is the same as on the default tape.
    /// </summary>
    public static TapeRealism WithoutCancels { get; } = TapeRealism.Default with { Cancelled = 0 };

    /// <summary>The simulator of a day: <paramref name="symbols"/> names of the universe, seed and intensity as given.</summary>
    public static MarketSimulator Simulator(int seed = 1, int symbols = 64, double intensity = 1.0, DateOnly? date = null, TapeRealism? realism = null) =>
        new(new SimulatorOptions { Seed = (ulong)seed, UniverseSize = symbols, Intensity = intensity, Realism = realism ?? TapeRealism.Default }, date ?? Friday);

    /// <summary>The whole of <see cref="Friday"/>: morning chains, spots and prints, in time order.</summary>
    public static EventBatch Day(int seed = 1, int symbols = 64, double intensity = 1.0) =>
        Days.GetOrAdd((seed, symbols, intensity), key => new Lazy<EventBatch>(() => Simulator(key.Item1, key.Item2, key.Item3).FullDay())).Value;

    /// <summary>The first <paramref name="count"/> prints of the full-market day (seed 1, 64 names).</summary>
    public static TradeEvent[] Trades(int count) => [.. Day().Trades.Take(count)];

    /// <summary>The morning chains, then the first <paramref name="minutes"/> of the session, in order.</summary>
    public static EventBatch Morning(int symbols, int minutes, TapeRealism? realism = null)
    {
        var simulator = Simulator(symbols: symbols, realism: realism);
        var tape = new EventBatch();
        foreach (var chain in simulator.MorningChains())
        {
            tape.Order.Add(new EventRef(MarketEventKind.Chain, tape.Chains.Count));
            tape.Chains.Add(chain);
        }

        simulator.AdvanceTo(simulator.SessionOpen.AddMinutes(minutes), tape);
        return tape;
    }

    /// <summary>A tape as ingest payloads: JSON arrays of <paramref name="batchSize"/> events, in order.</summary>
    public static List<byte[]> Payloads(EventBatch tape, int batchSize)
    {
        var payloads = new List<byte[]>();
        for (var start = 0; start < tape.Order.Count; start += batchSize)
        {
            payloads.Add(EventJsonWriter.WriteArray(tape, start, Math.Min(batchSize, tape.Order.Count - start)));
        }

        return payloads;
    }

    /// <summary>Prints as one UTF-8 JSON array, the shape of an Event Hubs batch or an ingest body.</summary>
    public static byte[] JsonArray(IEnumerable<TradeEvent> trades)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var t in trades)
            {
                EventJsonWriter.Write(writer, t);
            }

            writer.WriteEndArray();
        }

        return stream.ToArray();
    }
}
