using System.Text.Json;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Benchmarks;

/// <summary>The simulated full-market tape every benchmark runs on: a Friday of the 64 core names.</summary>
public static class TapeFixture
{
    public static readonly DateOnly Date = new(2026, 6, 5);

    public static TradeEvent[] Trades(int max)
    {
        var day = new MarketSimulator(new SimulatorOptions { Seed = 1 }, Date).FullDay();
        return [.. day.Trades.Take(max)];
    }

    /// <summary>The prints as one UTF-8 JSON array, the shape of an Event Hubs batch or an ingest body.</summary>
    public static byte[] Json(IEnumerable<TradeEvent> trades)
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
