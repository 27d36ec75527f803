using BenchmarkDotNet.Attributes;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// The analytics fold on one core with IV and spot given (target ≥ 2,000,000 prints/s), and the parse + fold path
/// beside raw System.Text.Json over the same bytes. Each operation is one print.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class FoldBenchmarks
{
    public const int Prints = 100_000;
    public const int BatchSize = 1_000;

    private TradeEvent[] _trades = [];
    private byte[][] _batches = [];
    private readonly FlowFold _fold = new(PricingParameters.Default);
    private readonly EventBatch _batch = new();
    private readonly MarketState _market = new();
    private EventParser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _trades = SimulatedDays.Trades(Prints);
        _batches = Batches();
        _parser = new EventParser(new SymbolTable());
    }

    [Benchmark(OperationsPerInvoke = Prints, Description = "fold (IV and spot given)")]
    public int Fold()
    {
        _fold.Clear();
        foreach (ref readonly var t in _trades.AsSpan())
        {
            _fold.Add(t, t.Spot, t.Iv);
        }

        return _fold.Minutes.Count;
    }

    [Benchmark(OperationsPerInvoke = Prints, Description = "raw System.Text.Json token scan")]
    public int RawJsonScan() => RawJsonScan(_batches);

    /// <summary>Every token of every batch read, nothing done with it: what any JSON parser of these bytes must pay.</summary>
    public static int RawJsonScan(byte[][] batches)
    {
        var tokens = 0;
        foreach (var bytes in batches)
        {
            var reader = new System.Text.Json.Utf8JsonReader(bytes);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = Prints, Description = "parse + validate")]
    public int Parse() => Parse(_parser, _batch, _batches);

    public static int Parse(EventParser parser, EventBatch batch, byte[][] batches)
    {
        var count = 0;
        foreach (var bytes in batches)
        {
            batch.Clear();
            parser.Parse(bytes, batch);
            count += batch.Trades.Count;
        }

        return count;
    }

    /// <summary>The benchmark's input: the first <see cref="Prints"/> prints as JSON arrays of <see cref="BatchSize"/>.</summary>
    public static byte[][] Batches() => [.. SimulatedDays.Trades(Prints).Chunk(BatchSize).Select(SimulatedDays.JsonArray)];

    [Benchmark(OperationsPerInvoke = Prints, Description = "parse + validate + fold")]
    public int ParseAndFold()
    {
        _fold.Clear();
        foreach (var bytes in _batches)
        {
            _batch.Clear();
            _parser.Parse(bytes, _batch);
            _fold.AddBatch(_batch, _market);
        }

        return _fold.Minutes.Count;
    }
}
