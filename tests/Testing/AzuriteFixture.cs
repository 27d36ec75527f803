using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Testing;

/// <summary>
/// Azurite for one test assembly's tests (<see cref="AzuriteProcess.StartForTestAssemblyAsync"/>: the one running on the
/// standard ports, or the assembly's own on free ports, started from <c>tools/azurite</c> and stopped after). Every test
/// names its own tables and containers, so tests never see each other's data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>
    /// The test collection that shares one fixture; each test assembly defines it (xunit looks for the definition in
    /// the test's own assembly) as <c>[CollectionDefinition(AzuriteFixture.Collection)] class AzuriteCollection :
    /// ICollectionFixture&lt;AzuriteFixture&gt;</c>.
    /// </summary>
    public const string Collection = "Azurite";

    private AzuriteProcess? _azurite;

    /// <summary>The shared Azurite's account, on its ports.</summary>
    public AzuriteAccount Account { get; private set; } = null!;

    public static string ToolsDirectory => AzuriteProcess.ToolsDirectory;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartForTestAssemblyAsync();
        Account = new AzuriteAccount(_azurite.BlobPort, _azurite.TablePort);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>A table or container name no other test uses (letters and digits, starting with a letter).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public static string RepositoryRoot() => AzuriteProcess.RepositoryRoot();
}

/// <summary>
/// Azurites of the tests' own, for the heavy tests whose data should go with them rather than slow the shared Azurite
/// for every test after them. Their collection runs beside the shared Azurite's (xunit runs collections in parallel),
/// so the two single-threaded Azurites use both of the machine's cores.
/// </summary>
public sealed class DedicatedAzurites : IAsyncLifetime
{
    /// <summary>The test collection of the tests that start their own Azurite; see <see cref="AzuriteFixture.Collection"/>.</summary>
    public const string Collection = "Azurites of their own";

    /// <summary>
    /// The collection of the tests that saturate the machine (a load test): xunit runs it alone, after the others
    /// (each test assembly defines it with <c>DisableParallelization = true</c>).
    /// </summary>
    public const string AloneCollection = "Azurites of their own, alone";

    private bool _installed;

    public async Task InitializeAsync()
    {
        await AzuriteProcess.InstallAsync();
        _installed = true;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>An Azurite of the caller's own on free ports, in memory, with the development account on it.</summary>
    public async Task<OwnAzurite> StartOwnAsync()
    {
        // After the fixture installed Azurite (on a fresh clone, npm ci in tools/azurite).
        if (!_installed)
        {
            throw new InvalidOperationException("The fixture installs Azurite first.");
        }

        var process = await AzuriteProcess.StartDedicatedAsync();
        return new OwnAzurite(process, new AzuriteAccount(process.BlobPort, process.TablePort));
    }
}

/// <summary>
/// Azurite's development account on its blob and table ports. Every store a test builds on it checks each table write
/// against Azure's own limits (<see cref="AzureLimits"/>), which Azurite does not enforce.
/// </summary>
public sealed record AzuriteAccount(int BlobPort, int TablePort)
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string Name = "devstoreaccount1";

    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public Uri TableServiceUri => new($"http://127.0.0.1:{TablePort}/{Name}");

    public Uri BlobServiceUri => new($"http://127.0.0.1:{BlobPort}/{Name}");

    /// <summary>The full connection string (name, key and endpoints), as against a real account.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Name};AccountKey={Key};TableEndpoint={TableServiceUri};BlobEndpoint={BlobServiceUri}";

    /// <summary>The app's storage on this account under <paramref name="prefix"/>, with the limit check on.</summary>
    public AzureStorage Storage(string prefix = "", params HttpPipelinePolicy[] policies) =>
        new(new StorageOptions { ConnectionString = ConnectionString, NamePrefix = prefix, CheckServiceLimits = true }, null, policies);
}

/// <summary>A test's own Azurite (<see cref="DedicatedAzurites.StartOwnAsync"/>) and the account on it; disposing stops it.</summary>
public sealed record OwnAzurite(AzuriteProcess Process, AzuriteAccount Account) : IAsyncDisposable
{
    /// <summary>The account's full connection string, for settings and the host's <c>AzureWebJobsStorage</c>.</summary>
    public string ConnectionString => Account.ConnectionString;

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
