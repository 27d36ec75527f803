namespace FlowFunctions.Storage;

/// <summary>
/// Where the app keeps its state: configuration section <c>Storage</c>, bound once by the app
/// (src/Functions/Hosting/StorageSetup) and filled from the command line by flowctl, then handed to
/// <see cref="Azure.AzureStorage"/>. docs/storage.md ("Configuration") lists the settings.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Memory or Azure; the app resolves an unset <c>Storage:Mode</c> to its host's default (memory standalone, azure under the Functions host).</summary>
    public StorageMode Mode { get; set; }

    /// <summary>A storage connection string: <c>UseDevelopmentStorage=true</c> for Azurite, or an account's with its key.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Table service endpoint, signed in with <see cref="ClientId"/>'s managed identity or any DefaultAzureCredential source.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The Blob service endpoint, with the same identity.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity; unset uses the system-assigned one (or the developer's sign-in).</summary>
    public string? ClientId { get; set; }

    /// <summary>Prefix of every table and container name (up to 20 lower-case letters and digits), so deployments can share an account.</summary>
    public string NamePrefix { get; set; } = string.Empty;

    /// <summary>
    /// How many New York trading dates the flow store keeps, today's included, for backfill and reads as of a past
    /// instant (docs/api.md "Retention"); unset is the store's default: 5 in memory
    /// (<see cref="Memory.MemoryFlowStore.DefaultRetentionTradingDays"/>), 21 on Azure
    /// (<see cref="Azure.AzureFlowStore.DefaultRetentionTradingDays"/>).
    /// </summary>
    public int? RetentionTradingDays { get; set; }

    /// <summary>
    /// Check every table write against the service's size limits before sending it (<see cref="Azure.AzureLimits"/>):
    /// Azurite does not enforce them. On in the tests; costs a parse of each write body.
    /// </summary>
    public bool CheckServiceLimits { get; set; }

    /// <summary>
    /// Whether the account is the storage emulator: <c>UseDevelopmentStorage=true</c>, or every endpoint named (the
    /// service URIs, or a connection string's <c>TableEndpoint</c> / <c>BlobEndpoint</c>) on a loopback host. Only then
    /// may the app seed the Development keys into it.
    /// </summary>
    public bool IsEmulator
    {
        get
        {
            var endpoints = new List<Uri?> { TableServiceUri, BlobServiceUri };
            if (!string.IsNullOrWhiteSpace(ConnectionString))
            {
                try
                {
                    // The SDKs parse the connection string (UseDevelopmentStorage=true included); no client connects here.
                    endpoints.Add(new global::Azure.Data.Tables.TableServiceClient(ConnectionString).Uri);
                    endpoints.Add(new global::Azure.Storage.Blobs.BlobServiceClient(ConnectionString).Uri);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
                {
                    return false; // not understood: never treated as the emulator
                }
            }

            var named = endpoints.OfType<Uri>().ToArray();
            return named.Length > 0 && named.All(uri => uri.IsLoopback);
        }
    }

    /// <summary>Whether an account is named at all, by a connection string or by the service endpoints.</summary>
    public bool HasAccount => !string.IsNullOrWhiteSpace(ConnectionString) || TableServiceUri is not null || BlobServiceUri is not null;
}
