namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// Where the Table and Blob services are and how to sign for them, from a connection string
/// (<c>UseDevelopmentStorage=true</c>, or <c>AccountName=…;AccountKey=…</c> with optional endpoints) or from service
/// URIs used with a managed identity (no key).
/// </summary>
public sealed record StorageAccount(Uri TableServiceUri, Uri BlobServiceUri, string AccountName, byte[]? AccountKey)
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    private const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static StorageAccount Parse(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("A storage connection string is a list of Name=Value pairs separated by ';'.");
            }

            parts[segment[..eq]] = segment[(eq + 1)..];
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var host = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy) ? new Uri(proxy).Host : "127.0.0.1";
            return new StorageAccount(
                new Uri($"http://{host}:10002/{DevelopmentAccountName}"),
                new Uri($"http://{host}:10000/{DevelopmentAccountName}"),
                DevelopmentAccountName,
                Convert.FromBase64String(DevelopmentAccountKey));
        }

        if (!parts.TryGetValue("AccountName", out var name) || !parts.TryGetValue("AccountKey", out var key))
        {
            throw new FormatException("The storage connection string needs AccountName and AccountKey (or UseDevelopmentStorage=true).");
        }

        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        var suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
        var table = parts.TryGetValue("TableEndpoint", out var t) ? new Uri(t) : new Uri($"{protocol}://{name}.table.{suffix}");
        var blob = parts.TryGetValue("BlobEndpoint", out var b) ? new Uri(b) : new Uri($"{protocol}://{name}.blob.{suffix}");
        return new StorageAccount(table, blob, name, Convert.FromBase64String(key));
    }

    /// <summary>Service URIs for a managed identity: requests carry bearer tokens, not a key.</summary>
    public static StorageAccount ForIdentity(Uri tableServiceUri, Uri blobServiceUri) =>
        new(tableServiceUri, blobServiceUri, tableServiceUri.Host.Split('.')[0], null);
}
