using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Chooses and builds the stores (docs/storage.md "Configuration"). The <c>Storage</c> section is bound once into
/// <see cref="StorageOptions"/>: <c>Storage:Mode</c> is <c>memory</c> (the standalone default) or <c>azure</c> (the
/// function-app default); the Azure account is <c>Storage:ConnectionString</c>, or <c>Storage:TableServiceUri</c> +
/// <c>Storage:BlobServiceUri</c> with a managed identity (<c>Storage:ClientId</c> for a user-assigned one), or in
/// function-app mode the host's own <c>AzureWebJobsStorage</c> setting in either form.
/// </summary>
public static class StorageSetup
{
    public static IServiceCollection AddFlowStores(this IServiceCollection services)
    {
        // Bound once; the account is opened only in azure mode.
        services.AddSingleton(sp => Bind(sp.GetRequiredService<IConfiguration>(), !sp.GetRequiredService<AppMode>().IsStandalone));
        services.AddSingleton(sp => new AzureStorage(sp.GetRequiredService<StorageOptions>()));
        services.AddStoreSet(sp => UseAzure(sp) ? WithAppLayers(sp, StoreSet.InAzure(sp.GetRequiredService<AzureStorage>())) : StoreSet.InMemory(sp.GetRequiredService<StorageOptions>().RetentionTradingDays));
        return services;
    }

    /// <summary><c>Storage:Mode</c>, defaulting to <c>memory</c> standalone and <c>azure</c> under the Functions host.</summary>
    public static StorageMode Mode(IConfiguration config, bool functionApp) =>
        config[$"{StorageOptions.SectionName}:{nameof(StorageOptions.Mode)}"] is { } value
            ? StorageModes.Parse(value)
            : functionApp ? StorageMode.Azure : StorageMode.Memory;

    /// <summary>
    /// The <c>Storage</c> section as <see cref="StorageOptions"/>, with <see cref="StorageOptions.Mode"/> resolved; in
    /// function-app mode with no account of its own, the account of the host's <c>AzureWebJobsStorage</c> (a connection
    /// string, or <c>__tableServiceUri</c>, <c>__blobServiceUri</c> and <c>__clientId</c>).
    /// </summary>
    public static StorageOptions Bind(IConfiguration config, bool functionApp)
    {
        // Mode is read (and refused when unknown) before the section is bound, so its message names the setting.
        var mode = Mode(config, functionApp);
        var options = config.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        options.Mode = mode;
        if (options.RetentionTradingDays is < 1)
        {
            throw new InvalidOperationException($"Storage:RetentionTradingDays must be at least 1 (it is {options.RetentionTradingDays}).");
        }

        if (functionApp && !options.HasAccount)
        {
            var host = config.GetSection("AzureWebJobsStorage");
            if (!string.IsNullOrWhiteSpace(host.Value))
            {
                options.ConnectionString = host.Value;
            }
            else if (!string.IsNullOrWhiteSpace(host["tableServiceUri"]))
            {
                options.TableServiceUri = AbsoluteUri(host["tableServiceUri"], "AzureWebJobsStorage__tableServiceUri");
                options.BlobServiceUri = AbsoluteUri(host["blobServiceUri"], "AzureWebJobsStorage__blobServiceUri");
                options.ClientId = host["clientId"];
            }
        }

        if (options.Mode == StorageMode.Azure && !options.HasAccount)
        {
            throw new InvalidOperationException(
                "Storage:Mode=azure needs Storage:ConnectionString (UseDevelopmentStorage=true for Azurite) or Storage:TableServiceUri and "
                + "Storage:BlobServiceUri for a managed identity" + (functionApp ? ", or the host's AzureWebJobsStorage setting." : "."));
        }

        return options;
    }

    private static Uri AbsoluteUri(string? value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"{setting} must be an absolute URI.");

    private static bool UseAzure(IServiceProvider services) => services.GetRequiredService<AppMode>().Storage == StorageMode.Azure;

    /// <summary>
    /// Azure only: every request's key lookup goes through the key cache, and every quota check through the quota
    /// memory (docs/api.md, "Keys, plans and quotas"); in memory the stores answer as fast as the layers would.
    /// </summary>
    private static StoreSet WithAppLayers(IServiceProvider services, StoreSet azure) => azure with
    {
        Keys = new CachingApiKeyStore(
            azure.Keys,
            services.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(Math.Max(0, services.GetRequiredService<IOptions<AuthOptions>>().Value.KeyCacheSeconds))),
        Quotas = new QuotaMemory(azure.Quotas),
    };
}
