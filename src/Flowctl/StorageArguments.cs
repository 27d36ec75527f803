using System.CommandLine;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Flowctl;

/// <summary>
/// Where the app's storage is, as the app itself is configured: a connection string (<c>--storage</c>, else
/// <c>FLOWCTL_STORAGE</c>, else <c>AzureWebJobsStorage</c>; <c>UseDevelopmentStorage=true</c> for Azurite), or the
/// table and blob endpoints with an Entra identity (<c>--table-endpoint</c>, <c>--blob-endpoint</c>; the Azure CLI's
/// login, a managed identity or environment credentials, through DefaultAzureCredential); the app's name prefix; and
/// the key-hash secret the app verifies keys with (<c>--key-hash-secret</c>, else <c>FLOWCTL_KEY_HASH_SECRET</c>, else
/// <c>Auth__KeyHashSecret</c>).
/// </summary>
public sealed class StorageArguments
{
    public Option<string?> ConnectionString { get; } = new("--storage") { Description = "Storage connection string (env FLOWCTL_STORAGE or AzureWebJobsStorage)", Recursive = true };

    public Option<Uri?> TableEndpoint { get; } = UrlOption.Create("--table-endpoint", "Table service URI, with an Entra identity", "https://myaccount.table.core.windows.net", recursive: true);

    public Option<Uri?> BlobEndpoint { get; } = UrlOption.Create("--blob-endpoint", "Blob service URI, with an Entra identity", "https://myaccount.blob.core.windows.net", recursive: true);

    public Option<string?> ClientId { get; } = new("--client-id") { Description = "Client id of a user-assigned managed identity", Recursive = true };

    public Option<string?> Prefix { get; } = new("--prefix") { Description = "The app's Storage:NamePrefix (env FLOWCTL_STORAGE_PREFIX)", Recursive = true };

    public Option<string?> KeyHashSecret { get; } = new("--key-hash-secret") { Description = "The app's Auth:KeyHashSecret (env FLOWCTL_KEY_HASH_SECRET or Auth__KeyHashSecret)", Recursive = true };

    public void AddTo(Command command)
    {
        command.Add(ConnectionString);
        command.Add(TableEndpoint);
        command.Add(BlobEndpoint);
        command.Add(ClientId);
        command.Add(Prefix);
        command.Add(KeyHashSecret);
    }

    /// <summary>The app's storage settings (<see cref="StorageOptions"/>, as the app binds them) from the command line and environment.</summary>
    public StorageOptions Options(ParseResult parse)
    {
        var options = new StorageOptions
        {
            Mode = StorageMode.Azure,
            ConnectionString = parse.GetValue(ConnectionString) ?? Env("FLOWCTL_STORAGE") ?? Env("AzureWebJobsStorage"),
            TableServiceUri = parse.GetValue(TableEndpoint),
            BlobServiceUri = parse.GetValue(BlobEndpoint),
            ClientId = parse.GetValue(ClientId),
            NamePrefix = parse.GetValue(Prefix) ?? Env("FLOWCTL_STORAGE_PREFIX") ?? string.Empty,
        };
        if (!options.HasAccount)
        {
            throw new FlowctlException("No storage given: pass --storage \"<connection string>\" (UseDevelopmentStorage=true for Azurite) or --table-endpoint and --blob-endpoint, or set FLOWCTL_STORAGE.");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString) && (options.TableServiceUri is null || options.BlobServiceUri is null))
        {
            throw new FlowctlException("An Entra identity needs both --table-endpoint and --blob-endpoint.");
        }

        return options;
    }

    /// <summary>The app's storage on the same clients as the app (src/Storage).</summary>
    public AzureStorage Open(ParseResult parse)
    {
        try
        {
            return new AzureStorage(Options(parse));
        }
        catch (FormatException e)
        {
            throw new FlowctlException(e.Message);
        }
    }

    /// <summary>The app's key hasher: keys created here verify in the app only under the app's secret.</summary>
    public ApiKeyHasher Hasher(ParseResult parse)
    {
        var secret = parse.GetValue(KeyHashSecret) ?? Env("FLOWCTL_KEY_HASH_SECRET") ?? Env("Auth__KeyHashSecret")
            ?? throw new FlowctlException("No key-hash secret given: pass --key-hash-secret (the app's Auth:KeyHashSecret) or set FLOWCTL_KEY_HASH_SECRET.");
        return new ApiKeyHasher(System.Text.Encoding.UTF8.GetBytes(secret));
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
