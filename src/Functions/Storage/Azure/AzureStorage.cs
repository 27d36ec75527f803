using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// The app's tables and containers in one storage account, and the stores on them. Names carry an optional prefix
/// (lower-case letters and digits) so that several deployments or test runs can share an account.
/// </summary>
public sealed class AzureStorage
{
    public const string ApiKeyTable = "apikeys";
    public const string QuotaTable = "quotas";
    public const string SnapshotContainer = "snapshots";
    public const string DeadLetterContainer = "deadletters";
    public const string DeliveryContainer = "deliveries";

    private readonly HttpPipeline _tables;
    private readonly HttpPipeline _blobs;

    public AzureStorage(StorageAccount account, TokenCredential? credential, string prefix = "", params HttpPipelinePolicy[] policies)
    {
        if (prefix.Length > 20 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) || (prefix.Length > 0 && !char.IsAsciiLetterLower(prefix[0])))
        {
            throw new ArgumentException("A storage name prefix is up to 20 lower-case letters and digits, starting with a letter.", nameof(prefix));
        }

        Account = account;
        Prefix = prefix;
        _tables = StoragePipeline.Create(account, table: true, credential, Options(), policies);
        _blobs = StoragePipeline.Create(account, table: false, credential, Options(), policies);
    }

    public StorageAccount Account { get; }

    public string Prefix { get; }

    /// <summary>Every table the app uses, for operators and for set-up.</summary>
    public IReadOnlyList<string> Tables => [Name(AzureFlowStore.FlowTable), Name(AzureFlowStore.ReceiptTable), Name(ApiKeyTable), Name(QuotaTable)];

    /// <summary>Every container the app uses.</summary>
    public IReadOnlyList<string> Containers => [Name(AzureFlowStore.ChainContainer), Name(SnapshotContainer), Name(DeadLetterContainer), Name(DeliveryContainer)];

    public TableClient Table(string name) => new(_tables, Account.TableServiceUri, Name(name));

    public BlobClient Container(string name) => new(_blobs, Account.BlobServiceUri, Name(name));

    public AzureFlowStore CreateFlowStore() =>
        new(Table(AzureFlowStore.FlowTable), Table(AzureFlowStore.ReceiptTable), Container(AzureFlowStore.ChainContainer));

    public AzureApiKeyStore CreateApiKeyStore() => new(Table(ApiKeyTable));

    public AzureQuotaStore CreateQuotaStore() => new(Table(QuotaTable));

    public AzureSnapshotStore CreateSnapshotStore() => new(Container(SnapshotContainer));

    public AzureDeadLetterStore CreateDeadLetterStore() => new(Container(DeadLetterContainer));

    public AzureDeliveryLog CreateDeliveryLog() => new(Container(DeliveryContainer));

    private string Name(string name) => Prefix + name;

    /// <summary>
    /// Retries short enough that a request still answers in about a second when storage is down (a read then gets 502,
    /// an ingest batch fails and the host delivers it again), and a network timeout well inside the host's.
    /// </summary>
    private static StorageClientOptions Options()
    {
        var options = new StorageClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(15);
        return options;
    }
}
