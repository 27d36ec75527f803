using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Auth;

/// <summary>
/// Seeds the Development keys into the key store before the server starts, storing their keyed hashes like any other
/// key: in the Development environment only, and only into the memory store or the storage emulator, never into a real
/// account (their values are public). Keys already present are left as they are.
/// </summary>
public sealed partial class DevelopmentKeys(
    IApiKeyStore store,
    ApiKeyHasher hasher,
    Microsoft.Extensions.Options.IOptions<AuthOptions> options,
    AppMode mode,
    IServiceProvider services,
    TimeProvider time,
    IHostEnvironment environment,
    ILogger<DevelopmentKeys> logger) : IHostedService
{
    /// <summary>
    /// The Development alpha key for the app's own pages (the dashboard, the API reference) to fill in, in the Development
    /// environment only (the key is in appsettings.Development.json and printed at start-up anyway); null elsewhere.
    /// </summary>
    public static string? ForPages(IHostEnvironment environment, AuthOptions auth) => environment.IsDevelopment()
        ? auth.DevelopmentKeys.FirstOrDefault(k => !k.Admin && string.Equals(k.Plan, "alpha", StringComparison.OrdinalIgnoreCase))?.Key
        : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || options.Value.DevelopmentKeys.Count == 0)
        {
            return;
        }

        if (mode.Storage == StorageMode.Azure && !services.GetRequiredService<StorageOptions>().IsEmulator)
        {
            LogRealAccount(logger);
            return;
        }

        try
        {
            await SeedAsync(cancellationToken);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.Unavailable)
        {
            // Start anyway: requests answer 502 while storage is down, as in production.
            LogUnreachable(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var k in options.Value.DevelopmentKeys)
        {
            if (!Plans.TryParse(k.Plan, out var plan) || !ApiKeyHasher.IsWellFormed(k.Key))
            {
                throw new InvalidOperationException($"Development key '{k.Name}' has an unknown plan or a malformed key.");
            }

            var digest = hasher.Digest(k.Key);
            if (await store.FindAsync(digest.Id, cancellationToken) is not null)
            {
                continue;
            }

            await store.CreateAsync(new ApiKeyRecord(digest.Id, digest.Hash, k.Name, plan, k.Admin, time.GetUtcNow()), cancellationToken);
            LogSeeded(logger, k.Name, plan, digest.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Development keys were not seeded: storage is a real account, not the memory store or the emulator (create keys with flowctl keys create)")]
    private static partial void LogRealAccount(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is unreachable; the Development keys were not seeded (restart once storage is up)")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Seeded Development key {Name} ({Plan}) as {KeyId}")]
    private static partial void LogSeeded(ILogger logger, string name, Plan plan, string keyId);
}
