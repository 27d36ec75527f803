using System.Collections.Concurrent;
using System.Net;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// What a request costs the key and quota tables on Azure Storage (Azurite), counted per table by a pipeline policy on
/// the app's own clients: made-up keys, a valid key, a key over its quota and a key below an endpoint's plan.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class KeyAndQuotaReadsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AThousandRequestsWithOneUnknownKeyCostAtMostTwoKeyReads()
    {
        var (factory, tables) = App();
        using (factory)
        {
            using var client = factory.ClientWithKey("made-up-key-0123456789");
            tables.Clear();
            for (var i = 0; i < 1_000; i++)
            {
                using var response = await client.GetAsync("/v1/flow/options/SPY/cumulative");
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }

            Assert.InRange(tables.GetValueOrDefault("apikeys"), 1, 2);
            Assert.Equal(0, tables.GetValueOrDefault("quotas"));
        }
    }

    [Fact]
    public async Task AThousandRequestsWithAValidKeyCostOneKeyRead()
    {
        var (factory, tables) = App();
        using (factory)
        {
            using var client = factory.ClientWithKey(Keys.Alpha);
            tables.Clear();
            for (var i = 0; i < 1_000; i++)
            {
                using var response = await client.GetAsync("/v1/account");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(1, tables.GetValueOrDefault("apikeys"));
        }
    }

    [Fact]
    public async Task RepeatedRefusalsReadNoQuotaRowsAndRefusedPlansReadUsageOnce()
    {
        var (factory, tables) = App(new() { ["Plans:growth:DailyLimit"] = "3" });
        using (factory)
        {
            using var growth = factory.ClientWithKey(Keys.Growth);
            for (var i = 0; i < 3; i++)
            {
                using var admitted = await growth.GetAsync("/v1/flow/summary/SPY");
                Assert.NotEqual(HttpStatusCode.TooManyRequests, admitted.StatusCode);
            }

            using (var first = await growth.GetAsync("/v1/flow/summary/SPY"))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
            }

            tables.Clear();
            for (var i = 0; i < 1_000; i++)
            {
                using var refused = await growth.GetAsync("/v1/flow/summary/SPY");
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal("0", refused.Headers.GetValues("X-RateLimit-Remaining").Single());
            }

            Assert.Equal(0, tables.GetValueOrDefault("quotas"));

            // Below the endpoint's plan: 403, not counted, but the answer shows the usage; read once, then held.
            using var free = factory.ClientWithKey(Keys.Free);
            tables.Clear();
            for (var i = 0; i < 100; i++)
            {
                using var forbidden = await free.GetAsync("/v1/flow/options/SPY/cumulative");
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            }

            Assert.InRange(tables.GetValueOrDefault("quotas"), 1, 3); // one usage read: the day and minute rows
        }
    }

    [Fact]
    public async Task TenThousandDistinctUnknownKeysKeepTheCacheBounded()
    {
        var inner = new CountingKeys();
        var cache = new CachingApiKeyStore(inner, TimeProvider.System, TimeSpan.FromSeconds(30), capacity: 1_000);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Null(await cache.FindAsync($"unknown{i:D5}", default));
            Assert.True(cache.Count <= cache.Capacity);
        }

        Assert.Equal(10_000, inner.Reads);
        Assert.Equal(1_000, cache.Count);

        // The most recent ids are held (no read), the oldest were dropped (a read).
        Assert.Null(await cache.FindAsync("unknown09999", default));
        Assert.Equal(10_000, inner.Reads);
        Assert.Null(await cache.FindAsync("unknown00000", default));
        Assert.Equal(10_001, inner.Reads);
    }

    [Fact]
    public async Task AFailedReadIsNotKeptAndARevocationThroughTheStoreIsSeenAtOnce()
    {
        var inner = new CountingKeys { Fail = true };
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var cache = new CachingApiKeyStore(inner, time, TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<StoreException>(() => cache.FindAsync("k1", default));
        inner.Fail = false;
        var created = await cache.CreateAsync(new ApiKeyRecord("k1", [1], "n", FlowFunctions.Storage.Keys.Plan.Alpha, false, time.GetUtcNow()), default);
        Assert.False((await cache.FindAsync("k1", default))!.IsRevoked);
        await cache.ReplaceAsync(created with { RevokedUtc = time.GetUtcNow() }, created.ETag, default);
        Assert.True((await cache.FindAsync("k1", default))!.IsRevoked);

        // Written elsewhere: seen once the lifetime has passed.
        var stored = (await inner.FindAsync("k1", default))!;
        await inner.ReplaceAsync(stored with { RevokedUtc = null }, stored.ETag, default);
        Assert.True((await cache.FindAsync("k1", default))!.IsRevoked);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False((await cache.FindAsync("k1", default))!.IsRevoked);
    }

    /// <summary>The app on Azurite (Development keys seeded there) with every storage request counted by table or container.</summary>
    private (CountedApp Factory, ConcurrentDictionary<string, int> Tables) App(Dictionary<string, string?>? settings = null)
    {
        var prefix = AzuriteFixture.UniqueName("kq");
        var tables = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var all = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "azure",
            ["Storage:ConnectionString"] = azurite.Account.ConnectionString,
            ["Storage:NamePrefix"] = prefix,
            ["Auth:KeyHashSecret"] = "key-and-quota-reads-test-secret",
        };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var factory = new FlowApiFactory(all);
        var counted = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<AzureStorage>();
            services.AddSingleton(AzureStorage.FromConnectionString(azurite.Account.ConnectionString, prefix, new TableCounter(prefix, tables)));
        }));
        return (new CountedApp(factory, counted), tables);
    }

    /// <summary>The app with its storage counted, and the factory it was derived from (both disposed).</summary>
    private sealed class CountedApp(FlowApiFactory parent, Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> counted) : IDisposable
    {
        public HttpClient ClientWithKey(string key)
        {
            var client = counted.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }

        public void Dispose()
        {
            counted.Dispose();
            parent.Dispose();
        }
    }

    /// <summary>Counts requests by the table or container they address (the path's first segment, prefix removed).</summary>
    private sealed class TableCounter(string prefix, ConcurrentDictionary<string, int> counts) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var segments = message.Request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var name = segments.Length > 1 ? segments[1] : segments.FirstOrDefault() ?? string.Empty; // /devstoreaccount1/{name}...
            name = name.Split('(')[0];
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                counts.AddOrUpdate(name[prefix.Length..], 1, (_, n) => n + 1);
            }
        }
    }

    private sealed class CountingKeys : IApiKeyStore
    {
        private readonly MemoryApiKeyStore _keys = new();

        public int Reads;

        public bool Fail { get; set; }

        public Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Reads);
            return Fail ? throw new StoreException(StoreFailure.Unavailable, "down", 503, "ServerBusy") : _keys.FindAsync(id, cancellationToken);
        }

        public Task<ApiKeyRecord> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken) => _keys.CreateAsync(key, cancellationToken);

        public Task<ApiKeyRecord> ReplaceAsync(ApiKeyRecord key, string ifMatch, CancellationToken cancellationToken) => _keys.ReplaceAsync(key, ifMatch, cancellationToken);

        public Task<Page<ApiKeyRecord>> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) => _keys.ListAsync(pageSize, continuationToken, cancellationToken);
    }
}
