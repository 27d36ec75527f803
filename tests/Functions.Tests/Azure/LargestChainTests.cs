using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// The largest chains on Azure storage: a day of 30,000 traded contracts on one underlying (an index on a busy day)
/// is written within the service's limits (every table write is checked by <c>AzureLimits</c>), read back whole, and
/// served by the flow summary and the flow anomaly.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class LargestChainTests(AzuriteFixture azurite)
{
    private const int Expiries = 15;
    private const int StrikesPerExpiry = 1_000; // calls and puts: 2,000 contracts an expiry

    [Fact]
    public async Task ADayOfThirtyThousandTradedContractsIsStoredReadAndServed()
    {
        var prefix = AzuriteFixture.UniqueName("big");
        using var app = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, prefix, functionApp: false));
        var ts = HandTapes.At(14, 0, 0);
        var contracts = new List<(string Expiry, double Strike, string Right)>();
        for (var e = 0; e < Expiries; e++)
        {
            var expiry = new DateOnly(2026, 6, 5).AddDays(7 * e).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            for (var k = 0; k < StrikesPerExpiry; k++)
            {
                var strike = 4_000 + (5 * k);
                contracts.Add((expiry, strike, "C"));
                contracts.Add((expiry, strike, "P"));
            }
        }

        Assert.Equal(30_000, contracts.Count);
        var chain = TestEvents.Chain(ts, "SPX", 5_250, [.. contracts.Select(c => TestEvents.Contract(c.Expiry, c.Strike, c.Right, 100, 0.2, 1.0, 1.2))]);
        Assert.Equal(1, (await app.IngestAsync([chain])).GetProperty("accepted").GetInt32());
        foreach (var part in contracts.Chunk(10_000))
        {
            var prints = part.Select((c, i) => TestEvents.Trade(ts.AddSeconds(1 + (i % 600)), "SPX", c.Expiry, c.Strike, c.Right, 1.15, 3, bid: 1.0, ask: 1.2, spot: 5_250, iv: 0.2));
            Assert.Equal(part.Length, (await app.IngestAsync(prints)).GetProperty("accepted").GetInt32());
        }

        app.Clock.Set(ts.AddMinutes(15));
        using var growth = app.ClientWithKey(Keys.Growth);
        var summary = await growth.GetAsync("/v1/flow/summary/SPX");
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        var body = JsonDocument.Parse(await summary.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(30_000, body.GetProperty("contracts_with_flow").GetInt32());
        Assert.Equal(30_000, body.GetProperty("contracts_total").GetInt32());

        var anomaly = await growth.GetAsync("/v1/strategies/flow-anomaly/SPX");
        Assert.Equal(HttpStatusCode.OK, anomaly.StatusCode);
        Assert.Equal("SPX", JsonDocument.Parse(await anomaly.Content.ReadAsStringAsync()).RootElement.GetProperty("symbol").GetString());

        // Read back whole by a store of its own (no cache shared with the app): every contract, three lots each.
        var store = azurite.Account.Storage(prefix).CreateFlowStore();
        var flows = await store.ReadContractsAsync("SPX", new DateOnly(2026, 6, 5), default);
        Assert.Equal(30_000, flows.Count);
        Assert.All(flows.Values, f => Assert.Equal(3, f.Flow.BuyVolume + f.Flow.SellVolume + f.Flow.MidVolume));
    }
}
