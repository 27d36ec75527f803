using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// The opening every fault test shares: the suite's trait (<see cref="FaultSuite"/>) and the test's output. A test that
/// takes a minute or more adds <c>[Trait(FaultSuite.Duration, FaultSuite.Long)]</c>. A test derives from
/// <see cref="SharedAzuriteFaultTest"/> when it works on the shared Azurite, from <see cref="OwnAzuriteFaultTest"/>
/// when it starts one of its own (and then runs beside the shared Azurite's tests).
/// </summary>
[Trait(FaultSuite.Trait, FaultSuite.Name)]
public abstract class FaultTest(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;
}

/// <summary>A fault test on the shared Azurite (every test names its own tables and containers).</summary>
[Collection(AzuriteFixture.Collection)]
public abstract class SharedAzuriteFaultTest(AzuriteFixture azurite, ITestOutputHelper output) : FaultTest(output)
{
    protected AzuriteFixture Azurite { get; } = azurite;
}

/// <summary>A fault test on an Azurite of its own (<see cref="DedicatedAzurites.StartOwnAsync"/>), stopped after it.</summary>
[Collection(DedicatedAzurites.Collection)]
public abstract class OwnAzuriteFaultTest(DedicatedAzurites azurites, ITestOutputHelper output) : FaultTest(output)
{
    protected DedicatedAzurites Azurite { get; } = azurites;
}
