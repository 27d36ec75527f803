using FlowFunctions.Functions.Storage.Azure;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Support;

/// <summary>
/// Azurite for the tests (<see cref="AzuriteProcess"/>: the running one, or one started from <c>tools/azurite</c> and
/// stopped after). Every test names its own tables and containers, so tests never see each other's data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    private AzuriteProcess? _azurite;

    public StorageAccount Account { get; } = StorageAccount.Parse(ConnectionString);

    public static string ToolsDirectory => AzuriteProcess.ToolsDirectory;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// An Azurite of the caller's own on free ports, with this fixture's account on it: in memory (a heavy test's data
    /// goes with it when the test disposes it, rather than slowing the shared Azurite for every test after it), or on
    /// disk in <paramref name="location"/> so that it can be stopped and started again with its data.
    /// </summary>
    public async Task<OwnAzurite> StartOwnAsync(string? location = null)
    {
        var process = await AzuriteProcess.StartDedicatedAsync(location);
        return new OwnAzurite(process, Account with
        {
            TableServiceUri = new Uri($"http://127.0.0.1:{process.TablePort}/{Account.AccountName}"),
            BlobServiceUri = new Uri($"http://127.0.0.1:{process.BlobPort}/{Account.AccountName}"),
        });
    }

    /// <summary>A full connection string of <paramref name="account"/> (name, key and endpoints), as against a real account.</summary>
    public static string ConnectionStringOf(StorageAccount account) =>
        $"DefaultEndpointsProtocol=http;AccountName={account.AccountName};AccountKey={Convert.ToBase64String(account.AccountKey!)};"
            + $"TableEndpoint={account.TableServiceUri};BlobEndpoint={account.BlobServiceUri}";

    /// <summary>A table or container name no other test uses (letters and digits, starting with a letter).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public static string RepositoryRoot() => AzuriteProcess.RepositoryRoot();
}

/// <summary>A test's own Azurite (<see cref="AzuriteFixture.StartOwnAsync"/>) and the account on it; disposing stops it.</summary>
public sealed record OwnAzurite(AzuriteProcess Process, StorageAccount Account) : IAsyncDisposable
{
    /// <summary>The account's full connection string, for settings and the host's <c>AzureWebJobsStorage</c>.</summary>
    public string ConnectionString => AzuriteFixture.ConnectionStringOf(Account);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
