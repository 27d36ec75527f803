using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The Development keys are public text: they are seeded into the memory store or the storage emulator, never into a
/// real account, even with the Development environment set on a deployed app.
/// </summary>
public sealed class DevelopmentKeysTests
{
    public static TheoryData<string, string, bool> Accounts => new()
    {
        { "the emulator by name", "UseDevelopmentStorage=true", true },
        { "Azurite by its endpoints", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Zm9v;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1", true },
        { "an account in Azure", "DefaultEndpointsProtocol=https;AccountName=flowprod;AccountKey=Zm9v;EndpointSuffix=core.windows.net", false },
        { "an account by its endpoints", "DefaultEndpointsProtocol=https;AccountName=flowprod;AccountKey=Zm9v;TableEndpoint=https://flowprod.table.core.windows.net/;BlobEndpoint=https://flowprod.blob.core.windows.net/", false },
    };

    [Theory]
    [MemberData(nameof(Accounts))]
    public async Task SeededOnlyIntoTheMemoryStoreOrTheEmulator(string what, string connectionString, bool seeded)
    {
        var keys = new MemoryApiKeyStore();
        using var factory = new FlowApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "azure",
            ["Storage:ConnectionString"] = connectionString,
            ["Auth:KeyHashSecret"] = "a-key-hash-secret-for-this-test-only",
        }).WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            // The key store is observed in memory: the seeding decision is what is under test, not the account.
            services.RemoveAll<IApiKeyStore>();
            services.AddSingleton<IApiKeyStore>(keys);
        }));
        _ = factory.Services; // starts the host: hosted services run

        var page = await keys.ListAsync(100, null, default);
        Assert.True(seeded ? page.Items.Count == Keys.All.Count : page.Items.Count == 0, $"{what}: {page.Items.Count} keys seeded");
    }

    [Fact]
    public async Task TheMemoryStoreGetsThem()
    {
        using var factory = new FlowApiFactory();
        using var client = factory.ClientWithKey(Keys.Free);
        using var response = await client.GetAsync("/v1/account");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
