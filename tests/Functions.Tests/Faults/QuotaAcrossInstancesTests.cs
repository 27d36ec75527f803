using System.Collections.Concurrent;
using System.Text.Json;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// Three instances of the app share one Azurite account and serve one key at once (docs/api.md "Keys, plans and quotas": quotas hold across all
/// instances). The daily limit is never exceeded; the per-minute burst overshoots by at most 5% (by design it never
/// overshoots: tokens are counted in storage when an instance leases them).
/// </summary>
public sealed class QuotaAcrossInstancesTests(AzuriteFixture azurite, ITestOutputHelper output) : SharedAzuriteFaultTest(azurite, output)
{
    private const int Instances = 3;
    private const int ClientsPerInstance = 12;

    [Fact]
    public async Task TheDailyLimitIsNeverExceededAcrossThreeInstances()
    {
        const int Limit = 300;
        var settings = FlowApiFactory.AzureSettings(Azurite.Account, AzuriteFixture.UniqueName("daily"), functionApp: false);
        settings["Plans:growth:DailyLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var apps = Enumerable.Range(0, Instances).Select(_ => new FlowApiFactory(settings)).ToArray();
        try
        {
            var statuses = await HammerAsync(apps, Keys.Growth, "/v1/flow/summary/SPY", requests: 2 * Limit);
            Output.WriteLine($"daily limit {Limit}: {Describe(statuses)}");
            Assert.Equal(2 * Limit, statuses.Values.Sum());
            Assert.True(statuses.Keys.All(s => s is 200 or 404 or 429), Describe(statuses));
            var served = statuses.GetValueOrDefault(200) + statuses.GetValueOrDefault(404);
            Assert.True(served <= Limit, $"{served} served over a daily limit of {Limit}");
            Assert.Equal(Limit, served); // counted exactly: none lost to contention either

            // Every instance reads the same count from storage.
            foreach (var app in apps)
            {
                using var client = app.ClientWithKey(Keys.Growth);
                var account = JsonDocument.Parse(await client.GetStringAsync("/v1/account")).RootElement;
                Assert.Equal(Limit, account.GetProperty("used_today").GetInt32());
                Assert.Equal(0, account.GetProperty("remaining").GetInt32());
            }
        }
        finally
        {
            foreach (var app in apps)
            {
                app.Dispose();
            }
        }
    }

    [Fact]
    public async Task ThePerMinuteBurstOvershootsByAtMostFivePercentAcrossThreeInstances()
    {
        const int Limit = 1_200; // alpha's burst limit (docs/api.md "Keys, plans and quotas")
        var settings = FlowApiFactory.AzureSettings(Azurite.Account, AzuriteFixture.UniqueName("burst"), functionApp: false);
        var apps = Enumerable.Range(0, Instances).Select(_ => new FlowApiFactory(settings)).ToArray();
        try
        {
            // Two minutes, each asked for half as much again as the limit; every instance's clock in the same minute.
            foreach (var minute in new[] { 0, 1 })
            {
                foreach (var app in apps)
                {
                    app.Clock.Set(FlowApiFactory.DefaultNow.AddMinutes(minute));
                }

                var statuses = await HammerAsync(apps, Keys.Alpha, "/v1/flow/options/SPY/cumulative?minutes=60", requests: Limit * 3 / 2);
                var served = statuses.GetValueOrDefault(200);
                Output.WriteLine($"minute {minute}, per-minute limit {Limit}: {Describe(statuses)}; served {served / (double)Limit:P1} of the limit");
                Assert.True(statuses.Keys.All(s => s is 200 or 429), Describe(statuses));
                Assert.True(served <= Limit * 1.05, $"{served} served over a per-minute limit of {Limit}");
                Assert.True(served >= Limit * 0.9, $"only {served} served of a per-minute limit of {Limit}");
            }
        }
        finally
        {
            foreach (var app in apps)
            {
                app.Dispose();
            }
        }
    }

    /// <summary>Sends <paramref name="requests"/> requests spread over the instances, <see cref="ClientsPerInstance"/> at a time each.</summary>
    private async Task<SortedDictionary<int, int>> HammerAsync(FlowApiFactory[] apps, string key, string path, int requests)
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var surprises = new ConcurrentQueue<string>();
        var next = -1;
        await Task.WhenAll(apps.SelectMany(app => Enumerable.Range(0, ClientsPerInstance).Select(async _ =>
        {
            using var client = app.ClientWithKey(key);
            while (Interlocked.Increment(ref next) < requests)
            {
                using var response = await client.GetAsync(path);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if ((int)response.StatusCode >= 500)
                {
                    surprises.Enqueue(await response.Content.ReadAsStringAsync());
                }
            }
        })));
        foreach (var body in surprises.Take(3))
        {
            Output.WriteLine("5xx: " + body);
        }

        foreach (var line in apps.SelectMany(a => a.Logs.Lines).Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).Take(3))
        {
            Output.WriteLine(line.Length > 800 ? line[..800] : line);
        }

        return new SortedDictionary<int, int>(statuses);
    }

    private static string Describe(SortedDictionary<int, int> statuses) => string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"));
}
