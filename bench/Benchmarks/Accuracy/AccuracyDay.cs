using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Analytics.Simulation.Truth;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>
/// One simulated trading day with its truth: the tape the API would see once its cancels arrived (the busted prints
/// taken out, as the stores take them out; docs/methodology.md §13) and what the tape hides.
/// </summary>
internal sealed record AccuracyDay(int Seed, MarketSimulator Simulator, EventBatch Tape, SimulatedTruth Truth)
{
    /// <summary>Seeds cycle through the five weekdays of the week of 2026-06-01, so every days-to-expiry mix occurs.</summary>
    public static DateOnly DateOf(int seed) => new DateOnly(2026, 6, 1).AddDays((seed - 1) % 5);

    public static AccuracyDay Simulate(int seed, int symbols, double intensity)
    {
        var simulator = new MarketSimulator(
            new SimulatorOptions { Seed = (ulong)seed, UniverseSize = symbols, Intensity = intensity, RecordTruth = true },
            DateOf(seed));
        var tape = simulator.FullDay().WithoutCancelled();
        return new AccuracyDay(seed, simulator, tape, simulator.Truth!);
    }

    public DateOnly TradingDate => Simulator.TradingDate;

    /// <summary>Every print of the tape with its truth.</summary>
    public IEnumerable<(TradeEvent Trade, PrintTruth Truth)> Prints()
    {
        foreach (var trade in Tape.Trades)
        {
            if (!Truth.TryGetPrint(trade.Underlying, trade.Id, out var truth))
            {
                throw new InvalidOperationException($"No truth for {trade.Underlying} {trade.Id}.");
            }

            yield return (trade, truth);
        }
    }
}
