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
    /// <summary>
    /// Seeds cycle through the five weekdays of a week, so every days-to-expiry mix occurs; the fit seeds (1–50) on the
    /// week of 2026-06-01, the held-out seeds (51–100) on the week of 2026-09-14 (its Friday a monthly expiry), the
    /// release seeds (101–150, scored only with <c>--release</c>) on the week of 2026-11-16. A held-out day shares
    /// neither its date nor its seed with a fit day.
    /// </summary>
    public static DateOnly DateOf(int seed)
    {
        var monday = seed switch
        {
            <= 50 => new DateOnly(2026, 6, 1),
            <= 100 => new DateOnly(2026, 9, 14),
            _ => new DateOnly(2026, 11, 16),
        };
        return monday.AddDays((seed - 1) % 5);
    }

    public static AccuracyDay Simulate(int seed, int symbols, double intensity, MarketStructure? structure = null)
    {
        var simulator = new MarketSimulator(
            new SimulatorOptions { Seed = (ulong)seed, UniverseSize = symbols, Intensity = intensity, RecordTruth = true, Structure = structure ?? MarketStructure.Default },
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
