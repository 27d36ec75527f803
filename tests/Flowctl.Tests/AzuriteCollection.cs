using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>The tests that share one Azurite (<see cref="AzuriteFixture"/>).</summary>
[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
