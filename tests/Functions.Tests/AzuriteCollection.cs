using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>The tests that share one Azurite (<see cref="AzuriteFixture"/>).</summary>
[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;

/// <summary>The tests that start Azurites of their own (<see cref="DedicatedAzurites"/>), beside the shared Azurite's.</summary>
[CollectionDefinition(DedicatedAzurites.Collection)]
public sealed class DedicatedAzuritesCollection : ICollectionFixture<DedicatedAzurites>;

/// <summary>The tests that saturate the machine: run alone, after every other collection (<see cref="DedicatedAzurites.AloneCollection"/>).</summary>
[CollectionDefinition(DedicatedAzurites.AloneCollection, DisableParallelization = true)]
public sealed class AloneCollection : ICollectionFixture<DedicatedAzurites>;
