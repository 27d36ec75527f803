using System.Collections.Concurrent;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Data.Tables;
using global::Azure.Identity;
using global::Azure.Storage.Blobs;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The app's tables and containers in one storage account, on the official SDK clients, and the stores on them. The
/// account comes from <see cref="StorageOptions"/>: a connection string, or the service endpoints with a
/// <see cref="TokenCredential"/> (a managed identity, with a client id for a user-assigned one). Each table and
/// container is one client for the life of this object, so it is created once per process. Names carry
/// <see cref="StorageOptions.NamePrefix"/>. Thread-safe.
/// </summary>
public sealed class AzureStorage
{
    public const string ApiKeyTable = "apikeys";
    public const string QuotaTable = "quotas";
    public const string SnapshotContainer = "snapshots";
    public const string DeadLetterContainer = "deadletters";
    public const string DeliveryContainer = "deliveries";

    /// <summary>
    /// The Blob service version every request asks for. Azure.Storage.Blobs 12.30.1 defaults to 2026-10-06, which
    /// Azurite 3.37.0 refuses; 2026-06-06 is the newest both speak, and the app uses nothing newer (docs/storage.md).
    /// </summary>
    public const BlobClientOptions.ServiceVersion BlobVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    private readonly TableServiceClient _tables;
    private readonly BlobServiceClient _blobs;
    private readonly int _retentionTradingDays;
    private readonly ConcurrentDictionary<string, StoreTable> _tableClients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoreContainer> _containerClients = new(StringComparer.Ordinal);

    /// <param name="options">The account and the name prefix.</param>
    /// <param name="credential">With service endpoints: the identity to sign in with; null takes DefaultAzureCredential
    /// with <see cref="StorageOptions.ClientId"/>.</param>
    /// <param name="policies">Extra pipeline policies on every request, once per call (before retries): the request counter.</param>
    public AzureStorage(StorageOptions options, TokenCredential? credential = null, params HttpPipelinePolicy[] policies)
    {
        var prefix = options.NamePrefix ?? string.Empty;
        _retentionTradingDays = options.RetentionTradingDays ?? AzureFlowStore.DefaultRetentionTradingDays;
        if (prefix.Length > 20 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) || (prefix.Length > 0 && !char.IsAsciiLetterLower(prefix[0])))
        {
            throw new ArgumentException("A storage name prefix is up to 20 lower-case letters and digits, starting with a letter.", nameof(options));
        }

        Prefix = prefix;
        if (options.CheckServiceLimits)
        {
            Limits = new AzureLimits();
            policies = [.. policies, Limits];
        }

        var tableOptions = Configure(new TableClientOptions(), policies);
        var blobOptions = Configure(new BlobClientOptions(BlobVersion), policies);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _tables = new TableServiceClient(options.ConnectionString, tableOptions);
                _blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The SDK's parser names what is wrong; never echo the string itself (it holds the key).
                throw new FormatException($"The storage connection string is not valid: {e.Message.Split('\n', 2)[0].Trim()}", e);
            }
        }
        else if (options.TableServiceUri is { IsAbsoluteUri: true } table && options.BlobServiceUri is { IsAbsoluteUri: true } blob)
        {
            credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId,
            });
            _tables = new TableServiceClient(table, credential, tableOptions);
            _blobs = new BlobServiceClient(blob, credential, blobOptions);
        }
        else
        {
            throw new InvalidOperationException(
                "Azure storage needs Storage:ConnectionString (UseDevelopmentStorage=true for Azurite), or Storage:TableServiceUri and Storage:BlobServiceUri, both absolute, with an identity.");
        }
    }

    /// <summary>The account behind a connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public static AzureStorage FromConnectionString(string connectionString, string prefix = "", params HttpPipelinePolicy[] policies) =>
        new(new StorageOptions { ConnectionString = connectionString, NamePrefix = prefix }, null, policies);

    public string Prefix { get; }

    /// <summary>The limit check on every table write, when <see cref="StorageOptions.CheckServiceLimits"/> is on.</summary>
    public AzureLimits? Limits { get; }

    public Uri TableServiceUri => _tables.Uri;

    public Uri BlobServiceUri => _blobs.Uri;

    /// <summary>Every table the app uses, for operators and for set-up.</summary>
    public IReadOnlyList<string> Tables => [Name(AzureFlowStore.FlowTable), Name(AzureFlowStore.ReceiptTable), Name(ApiKeyTable), Name(QuotaTable), Name(AzureStreamJournal.Table)];

    /// <summary>Every container the app uses.</summary>
    public IReadOnlyList<string> Containers => [Name(AzureFlowStore.ChainContainer), Name(SnapshotContainer), Name(DeadLetterContainer), Name(DeliveryContainer), Name(Archive.BlobArchiveSink.ContainerName)];

    public StoreTable Table(string name) => _tableClients.GetOrAdd(Name(name), n => new StoreTable(_tables.GetTableClient(n)));

    public StoreContainer Container(string name) => _containerClients.GetOrAdd(Name(name), n => new StoreContainer(_blobs.GetBlobContainerClient(n)));

    public AzureFlowStore CreateFlowStore() =>
        new(Table(AzureFlowStore.FlowTable), Table(AzureFlowStore.ReceiptTable), Container(AzureFlowStore.ChainContainer), retentionTradingDays: _retentionTradingDays);

    public AzureStreamJournal CreateStreamJournal() => new(Table(AzureStreamJournal.Table));

    public AzureApiKeyStore CreateApiKeyStore() => new(Table(ApiKeyTable));

    public AzureQuotaStore CreateQuotaStore() => new(Table(QuotaTable));

    public AzureSnapshotStore CreateSnapshotStore() => new(Container(SnapshotContainer));

    public AzureDeadLetterStore CreateDeadLetterStore() => new(Container(DeadLetterContainer));

    public AzureDeliveryLog CreateDeliveryLog() => new(Container(DeliveryContainer));

    private string Name(string name) => Prefix + name;

    /// <summary>
    /// The SDK's retry policy (exponential back-off on 408, 429, 500, 502, 503, 504 and transport failures), short
    /// enough that a request still answers in about a second when storage is down (a read then gets 502, an ingest
    /// batch fails and the host delivers it again), and a network timeout well inside the host's.
    /// </summary>
    private static T Configure<T>(T options, HttpPipelinePolicy[] policies)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(15);
        foreach (var policy in policies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return options;
    }
}
