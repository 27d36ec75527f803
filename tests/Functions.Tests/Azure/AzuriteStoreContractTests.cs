using FlowFunctions.Functions.Tests.Storage;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>The store contract suites again, on Azurite: each test gets its own table or container.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureApiKeyStoreContractTests(AzuriteFixture azurite) : ApiKeyStoreContract
{
    protected override IApiKeyStore CreateStore() => new AzureApiKeyStore(AzureTestClients.Table(azurite, "keys"));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureQuotaStoreContractTests(AzuriteFixture azurite) : QuotaStoreContract
{
    protected override IQuotaStore CreateStore() => new AzureQuotaStore(AzureTestClients.Table(azurite, "quotas"));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureSnapshotStoreContractTests(AzuriteFixture azurite) : SnapshotStoreContract
{
    protected override ISnapshotStore CreateStore() => new AzureSnapshotStore(AzureTestClients.Blobs(azurite, "snap"));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureDeadLetterStoreContractTests(AzuriteFixture azurite) : DeadLetterStoreContract
{
    protected override IDeadLetterStore CreateStore() => new AzureDeadLetterStore(AzureTestClients.Blobs(azurite, "dead"));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureBurstOnlyQuotaContractTests(AzuriteFixture azurite) : BurstOnlyQuotaContract
{
    protected override IQuotaStore CreateStore() => new AzureQuotaStore(AzureTestClients.Table(azurite, "burst"));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureFlowStoreContractTests(AzuriteFixture azurite) : FlowStoreContract
{
    protected override IFlowStore CreateStore() => AzureTestClients.FlowStore(azurite);
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureFlowStoreIntegrityContractTests(AzuriteFixture azurite) : FlowStoreIntegrityContract
{
    protected override IFlowStore CreateStore() => AzureTestClients.FlowStore(azurite);
}

/// <summary>
/// Clients on fresh, uniquely named tables and containers, each checking every table write against Azure's limits
/// (<see cref="AzuriteAccount.Storage"/>).
/// </summary>
public static class AzureTestClients
{
    public static StoreTable Table(AzuriteFixture azurite, string prefix) => TableNamed(azurite, AzuriteFixture.UniqueName(prefix));

    /// <summary>A flow store on fresh tables and container; pass <paramref name="names"/> back to share them with another store.</summary>
    public static AzureFlowStore FlowStore(AzuriteFixture azurite, string? names = null, params HttpPipelinePolicy[] policies)
    {
        names ??= AzuriteFixture.UniqueName("f");
        var storage = azurite.Account.Storage(names, policies);
        return new AzureFlowStore(storage.Table("rows"), storage.Table("receipts"), storage.Container("chains"));
    }

    public static StoreTable TableNamed(AzuriteFixture azurite, string name, params HttpPipelinePolicy[] policies) =>
        azurite.Account.Storage(string.Empty, policies).Table(name);

    public static StoreContainer Blobs(AzuriteFixture azurite, string prefix) =>
        azurite.Account.Storage().Container(AzuriteFixture.UniqueName(prefix));
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureFlowStoreCancelContractTests(AzuriteFixture azurite) : FlowStoreCancelContract
{
    private readonly string _names = AzuriteFixture.UniqueName("f");
    private int _stores;

    // Each test's two stores (with and without the cancel) live on tables of their own.
    protected override IFlowStore CreateStore() => AzureTestClients.FlowStore(azurite, _names + (_stores++).ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The stream journal on Azurite, as two instances would hold it: two journals on one table, each with its own idea of the end.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureStreamJournalContractTests(AzuriteFixture azurite) : StreamJournalContract
{
    protected override (IStreamJournal First, IStreamJournal Second) CreateJournals()
    {
        var name = AzuriteFixture.UniqueName("stream");
        return (new AzureStreamJournal(AzureTestClients.TableNamed(azurite, name)), new AzureStreamJournal(AzureTestClients.TableNamed(azurite, name)));
    }
}
