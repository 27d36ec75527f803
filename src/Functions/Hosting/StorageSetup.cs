using Azure.Core;
using Azure.Identity;
using FlowFunctions.Functions.Storage;
using FlowFunctions.Functions.Storage.Azure;
using FlowFunctions.Functions.Storage.Memory;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Chooses and builds the stores (SPEC §2): <c>Storage:Mode</c> is <c>memory</c> (the standalone default) or
/// <c>azure</c> (the function-app default). The Azure account comes from <c>Storage:ConnectionString</c>, or from
/// <c>Storage:TableServiceUri</c> + <c>Storage:BlobServiceUri</c> with a managed identity (<c>Storage:ClientId</c> for a
/// user-assigned one), or in function-app mode from the host's own <c>AzureWebJobsStorage</c> setting in either form.
/// </summary>
public static class StorageSetup
{
    public const string Memory = "memory";
    public const string Azure = "azure";

    public static IServiceCollection AddFlowStores(this IServiceCollection services)
    {
        // Resolved only in azure mode, by the factories below.
        services.AddSingleton(sp => CreateAzureStorage(sp.GetRequiredService<IConfiguration>(), !sp.GetRequiredService<AppMode>().IsStandalone));
        services.AddSingleton<IFlowStore>(sp => UseAzure(sp) ? AccountOf(sp).CreateFlowStore() : new MemoryFlowStore());
        services.AddSingleton<IApiKeyStore>(sp => UseAzure(sp) ? AccountOf(sp).CreateApiKeyStore() : new MemoryApiKeyStore());
        services.AddSingleton<IQuotaStore>(sp => UseAzure(sp) ? AccountOf(sp).CreateQuotaStore() : new MemoryQuotaStore());
        services.AddSingleton<ISnapshotStore>(sp => UseAzure(sp) ? AccountOf(sp).CreateSnapshotStore() : new MemorySnapshotStore());
        services.AddSingleton<IDeadLetterStore>(sp => UseAzure(sp) ? AccountOf(sp).CreateDeadLetterStore() : new MemoryDeadLetterStore());
        services.AddSingleton<IDeliveryLog>(sp => UseAzure(sp) ? AccountOf(sp).CreateDeliveryLog() : new MemoryDeliveryLog());
        return services;
    }

    /// <summary><c>Storage:Mode</c>, defaulting to <c>memory</c> standalone and <c>azure</c> under the Functions host.</summary>
    public static string Mode(IConfiguration config, bool functionApp)
    {
        var mode = (config["Storage:Mode"] ?? (functionApp ? Azure : Memory)).Trim().ToLowerInvariant();
        return mode is Memory or Azure
            ? mode
            : throw new InvalidOperationException($"Storage:Mode '{mode}' is not known; use '{Memory}' or '{Azure}'.");
    }

    public static AzureStorage CreateAzureStorage(IConfiguration config, bool functionApp)
    {
        var storage = config.GetSection("Storage");
        var prefix = storage["NamePrefix"] ?? string.Empty;
        if (!string.IsNullOrWhiteSpace(storage["ConnectionString"]))
        {
            return new AzureStorage(StorageAccount.Parse(storage["ConnectionString"]!), null, prefix);
        }

        if (!string.IsNullOrWhiteSpace(storage["TableServiceUri"]) || !string.IsNullOrWhiteSpace(storage["BlobServiceUri"]))
        {
            return ForIdentity(storage["TableServiceUri"], storage["BlobServiceUri"], storage["ClientId"], prefix, "Storage:TableServiceUri and Storage:BlobServiceUri");
        }

        if (functionApp)
        {
            // The host's storage setting: a connection string, or AzureWebJobsStorage__tableServiceUri and friends.
            var host = config.GetSection("AzureWebJobsStorage");
            if (!string.IsNullOrWhiteSpace(host.Value))
            {
                return new AzureStorage(StorageAccount.Parse(host.Value), null, prefix);
            }

            if (!string.IsNullOrWhiteSpace(host["tableServiceUri"]))
            {
                return ForIdentity(host["tableServiceUri"], host["blobServiceUri"], host["clientId"], prefix, "AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__blobServiceUri");
            }
        }

        throw new InvalidOperationException(
            "Storage:Mode=azure needs Storage:ConnectionString (UseDevelopmentStorage=true for Azurite) or Storage:TableServiceUri and "
            + "Storage:BlobServiceUri for a managed identity" + (functionApp ? ", or the host's AzureWebJobsStorage setting." : "."));
    }

    private static AzureStorage ForIdentity(string? table, string? blob, string? clientId, string prefix, string settings)
    {
        if (!Uri.TryCreate(table, UriKind.Absolute, out var tableUri) || !Uri.TryCreate(blob, UriKind.Absolute, out var blobUri))
        {
            throw new InvalidOperationException($"{settings} must both be absolute URIs.");
        }

        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
        });
        return new AzureStorage(StorageAccount.ForIdentity(tableUri, blobUri), credential, prefix);
    }

    private static bool UseAzure(IServiceProvider services) => services.GetRequiredService<AppMode>().Storage == Azure;

    private static AzureStorage AccountOf(IServiceProvider services) => services.GetRequiredService<AzureStorage>();
}
