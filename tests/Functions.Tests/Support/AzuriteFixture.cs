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

    /// <summary>A full connection string of <paramref name="account"/> (name, key and endpoints), as against a real account.</summary>
    public static string ConnectionStringOf(StorageAccount account) =>
        $"DefaultEndpointsProtocol=http;AccountName={account.AccountName};AccountKey={Convert.ToBase64String(account.AccountKey!)};"
            + $"TableEndpoint={account.TableServiceUri};BlobEndpoint={account.BlobServiceUri}";

    /// <summary>A table or container name no other test uses (letters and digits, starting with a letter).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public static string RepositoryRoot() => AzuriteProcess.RepositoryRoot();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
