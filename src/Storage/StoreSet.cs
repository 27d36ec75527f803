using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Storage;

/// <summary>
/// The seven stores the app keeps its state in, all from one place (docs/storage.md "Configuration"): the memory
/// stores, or one Azure account's tables and containers. The app chooses between them once, in the factory it gives
/// <see cref="StoreSetServices.AddStoreSet"/>.
/// </summary>
public sealed record StoreSet(
    IFlowStore Flow,
    IApiKeyStore Keys,
    IQuotaStore Quotas,
    ISnapshotStore Snapshots,
    IDeadLetterStore DeadLetters,
    IStreamJournal Journal,
    IDeliveryLog Deliveries)
{
    /// <summary>In process, lost on exit: the standalone default.</summary>
    /// <param name="retentionTradingDays">The flow store's retention; null for its default.</param>
    public static StoreSet InMemory(int? retentionTradingDays = null) => new(
        new MemoryFlowStore(retentionTradingDays ?? MemoryFlowStore.DefaultRetentionTradingDays),
        new MemoryApiKeyStore(),
        new MemoryQuotaStore(),
        new MemorySnapshotStore(),
        new MemoryDeadLetterStore(),
        new MemoryStreamJournal(),
        new MemoryDeliveryLog());

    /// <summary>One Azure account's stores, on the clients <paramref name="account"/> holds.</summary>
    public static StoreSet InAzure(AzureStorage account) => new(
        account.CreateFlowStore(),
        account.CreateApiKeyStore(),
        account.CreateQuotaStore(),
        account.CreateSnapshotStore(),
        account.CreateDeadLetterStore(),
        account.CreateStreamJournal(),
        account.CreateDeliveryLog());
}

/// <summary>Registers a <see cref="StoreSet"/> and each of its stores as singletons.</summary>
public static class StoreSetServices
{
    /// <summary>The set is made by <paramref name="open"/> when a store is first asked for, and each store resolves from it.</summary>
    public static IServiceCollection AddStoreSet(this IServiceCollection services, Func<IServiceProvider, StoreSet> open)
    {
        services.AddSingleton(open);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Flow);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Keys);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Quotas);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Snapshots);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().DeadLetters);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Journal);
        services.AddSingleton(sp => sp.GetRequiredService<StoreSet>().Deliveries);
        return services;
    }
}
