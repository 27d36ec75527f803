using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Analytics.Tests;

/// <summary>Simulated tapes shared by the tests, generated once per process.</summary>
internal static class TestTape
{
    public static readonly DateOnly Friday = new(2026, 6, 5);

    private static readonly Lazy<EventBatch> LazyDay = new(() => new MarketSimulator(new SimulatorOptions { Seed = 11, UniverseSize = 20, Intensity = 0.5 }, Friday).FullDay());

    /// <summary>A full Friday for 20 names at half intensity: chains, spots and prints.</summary>
    public static EventBatch Day => LazyDay.Value;

    public static FlowFold Fold(EventBatch batch)
    {
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, new MarketState());
        return fold;
    }
}
