using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// The opening every fault test shares: the Azurite collection (one Azurite for the suite; every test names its own
/// tables and containers), the suite's trait (<see cref="FaultSuite"/>), and Azurite and the test's output to hand. A
/// test that takes a minute or more adds <c>[Trait(FaultSuite.Duration, FaultSuite.Long)]</c>.
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait(FaultSuite.Trait, FaultSuite.Name)]
public abstract class FaultTest(AzuriteFixture azurite, ITestOutputHelper output)
{
    protected AzuriteFixture Azurite { get; } = azurite;

    protected ITestOutputHelper Output { get; } = output;
}
