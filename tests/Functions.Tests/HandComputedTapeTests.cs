using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// <see cref="HandTapes.Hand"/> through <c>POST /v1/ingest/events</c>, and every number of cumulative, leaderboard and
/// strike-flow checked against arithmetic done here, independently of the product's code (greeks included).
/// </summary>
public sealed class HandComputedTapeTests : IAsyncLifetime
{
    private readonly FlowApiFactory _factory = new();

    public async Task InitializeAsync() => await _factory.IngestAsync(HandTapes.Hand);

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task CumulativeIsNetVolumeRunningSumVwapAndCountPerMinute()
    {
        var body = await GetAsync("/v1/flow/options/SPY/cumulative?minutes=240");
        // 18:40  buy 10 @1.32, sell 4 @1.30          net 6,  vwap 18.4/14 = 1.3143
        // 18:41  buy 6 @1.10 (put), buy 20 @2.50     net 26, vwap 56.6/26 = 2.1769
        // 18:42  mid 3 @0.90                          net 0,  vwap 0.90
        (string Ts, long Net, long Cum, double Vwap, long Count)[] expected =
        [
            ("2026-06-05T18:40:00Z", 6, 6, 1.31, 2),
            ("2026-06-05T18:41:00Z", 26, 32, 2.18, 2),
            ("2026-06-05T18:42:00Z", 0, 32, 0.90, 1),
        ];
        Assert.Equal(("SPY", 240, 3), (body.GetProperty("symbol").GetString(), body.GetProperty("minutes").GetInt32(), body.GetProperty("count").GetInt32()));
        var points = body.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("ts").GetString()!, p.GetProperty("netVolume").GetInt64(), p.GetProperty("cumulative").GetInt64(), p.GetProperty("vwap").GetDouble(), p.GetProperty("tradeCount").GetInt64()))
            .ToArray();
        Assert.Equal(expected, points);

        // The window is (now − N, now]: at 18:45 a 4-minute window starts at the 18:42 bucket.
        var last = await GetAsync("/v1/flow/options/SPY/cumulative?minutes=4");
        Assert.Equal(["2026-06-05T18:42:00Z"], last.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("ts").GetString()));
        Assert.Equal(0, last.GetProperty("points")[0].GetProperty("cumulative").GetInt64());
    }

    [Fact]
    public async Task LeaderboardRanksNetNotionalWithTheSeedColumns()
    {
        _factory.Clock.Advance(TimeSpan.FromSeconds(31)); // the start-up snapshot predates the tape
        var body = await GetAsync("/v1/flow/options/leaderboard?n=10&windowMinutes=240");
        // NVDA: buy 100 @4.00                              → notional +40,000
        // SPY:  buys 1,320 + 660 + 5,000, sell 520          → +6,460; avg 77.7 / 43 = 1.807
        // QQQ:  sell 50 @3.00 = 15,000, buy 5 @1.00 = 500   → −14,500; avg 155 / 55 = 2.818
        var buyers = body.GetProperty("buyers").EnumerateArray().Select(Row).ToArray();
        var sellers = body.GetProperty("sellers").EnumerateArray().Select(Row).ToArray();
        Assert.Equal(
            [
                ("NVDA", 100L, 40_000L, 100L, 0L, 4.00, 1L, "2026-06-05T18:44:00Z"),
                ("SPY", 32L, 6_460L, 36L, 4L, 1.81, 5L, "2026-06-05T18:42:00Z"),
            ],
            buyers);
        Assert.Equal([("QQQ", -45L, -14_500L, 5L, 50L, 2.82, 2L, "2026-06-05T18:43:00Z")], sellers);

        var top1 = await GetAsync("/v1/flow/options/leaderboard?n=1&windowMinutes=240");
        Assert.Equal(["NVDA"], top1.GetProperty("buyers").EnumerateArray().Select(r => r.GetProperty("symbol").GetString()));
    }

    [Fact]
    public async Task StrikeFlowIsSignedDeltaAndGammaDollarsAndContractsPerStrikePerBar()
    {
        var body = await GetAsync("/v1/flow/zero-dte/strike-flow/SPY?bar=1m&minutes=60");
        Assert.Equal([589.0, 590.0, 591.0], body.GetProperty("strikes_grid").EnumerateArray().Select(s => s.GetDouble()));
        Assert.Equal(590.60, body.GetProperty("underlying_price").GetDouble()); // the last spot of any SPY print
        var bars = body.GetProperty("bars").EnumerateArray().ToArray();
        Assert.Equal(["2026-06-05T18:40:00Z", "2026-06-05T18:41:00Z", "2026-06-05T18:42:00Z"], bars.Select(b => b.GetProperty("t").GetString()));
        Assert.Equal([590.40, 590.50, 590.60], bars.Select(b => b.GetProperty("spot").GetDouble()));

        // 18:40, strike 590: buy 10 calls then sell 4, each valued at its own time, spot and IV.
        var buy = Greeks.Signed(+1, isCall: true, 590.42, 590, 0.18, HandTapes.At(18, 40, 10), 10);
        var sell = Greeks.Signed(-1, isCall: true, 590.40, 590, 0.18, HandTapes.At(18, 40, 30), 4);
        AssertBar(bars[0], [0, Greeks.Dollars(buy.DeltaCents + sell.DeltaCents), 0], [0, Greeks.Dollars(buy.GammaCents + sell.GammaCents), 0], [0, 14, 0]);

        // 18:41, strike 589: a customer buying 6 puts: negative delta-dollars, positive gamma-dollars.
        var put = Greeks.Signed(+1, isCall: false, 590.50, 589, 0.20, HandTapes.At(18, 41, 5), 6);
        Assert.True(put.DeltaCents < 0 && put.GammaCents > 0);
        AssertBar(bars[1], [Greeks.Dollars(put.DeltaCents), 0, 0], [Greeks.Dollars(put.GammaCents), 0, 0], [6, 0, 0]);

        // 18:42, strike 591: a print at the mid has no sign, so no dollars, but its contracts count.
        AssertBar(bars[2], [0, 0, 0], [0, 0, 0], [0, 0, 3]);
    }

    [Fact]
    public async Task AnIngestedPrintIsVisibleOnTheVeryNextRead()
    {
        var before = await GetAsync("/v1/flow/zero-dte/strike-flow/SPY?minutes=5");
        await _factory.IngestAsync([TestEvents.Trade(HandTapes.At(18, 44, 59), "SPY", HandTapes.Today, 592, "C", 0.5, 7, spot: 590.7, iv: 0.18, side: "buy")]);
        var cumulative = await GetAsync("/v1/flow/options/SPY/cumulative?minutes=2");
        var strikes = await GetAsync("/v1/flow/zero-dte/strike-flow/SPY?minutes=5");

        Assert.Equal(("2026-06-05T18:44:00Z", 7L), (cumulative.GetProperty("points")[0].GetProperty("ts").GetString(), cumulative.GetProperty("points")[0].GetProperty("netVolume").GetInt64()));
        Assert.DoesNotContain(592.0, before.GetProperty("strikes_grid").EnumerateArray().Select(s => s.GetDouble()));
        Assert.Contains(592.0, strikes.GetProperty("strikes_grid").EnumerateArray().Select(s => s.GetDouble()));
        Assert.Equal(590.70, strikes.GetProperty("underlying_price").GetDouble());
    }

    [Fact]
    public async Task TheLeaderboardAnswersOneSnapshotFor30SecondsThenANewOne()
    {
        _factory.Clock.Advance(TimeSpan.FromSeconds(31));
        using var client = _factory.ClientWithKey(Keys.Alpha);
        using var first = await client.GetAsync("/v1/flow/options/leaderboard?windowMinutes=60");
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, TimeSpan.FromSeconds(30)), (first.Headers.CacheControl!.Private, first.Headers.CacheControl.MaxAge));

        await _factory.IngestAsync([TestEvents.Trade(HandTapes.At(18, 45, 20), "AMD", HandTapes.Later, 150, "C", 2, 1_000, side: "buy")]);
        _factory.Clock.Advance(TimeSpan.FromSeconds(20));
        using var cached = await client.GetAsync("/v1/flow/options/leaderboard?windowMinutes=60");
        var b = await cached.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("generatedUtc").GetString(), b.GetProperty("generatedUtc").GetString());
        Assert.DoesNotContain("AMD", b.GetProperty("buyers").EnumerateArray().Select(r => r.GetProperty("symbol").GetString()));
        Assert.Equal(TimeSpan.FromSeconds(10), cached.Headers.CacheControl!.MaxAge);

        _factory.Clock.Advance(TimeSpan.FromSeconds(11));
        var c = await GetAsync("/v1/flow/options/leaderboard?windowMinutes=60");
        Assert.Equal("2026-06-05T18:46:02Z", c.GetProperty("generatedUtc").GetString());
        Assert.Equal("AMD", c.GetProperty("buyers")[0].GetProperty("symbol").GetString());
    }

    private static (string, long, long, long, long, double, long, string) Row(JsonElement r) =>
        (r.GetProperty("symbol").GetString()!, r.GetProperty("netVolume").GetInt64(), r.GetProperty("netNotional").GetInt64(),
         r.GetProperty("buyVolume").GetInt64(), r.GetProperty("sellVolume").GetInt64(), r.GetProperty("avgPremium").GetDouble(),
         r.GetProperty("tradeCount").GetInt64(), r.GetProperty("lastTradeUtc").GetString()!);

    private static void AssertBar(JsonElement bar, long[] delta, long[] gamma, long[] contracts)
    {
        Assert.Equal(delta, bar.GetProperty("signed_delta_dollars").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(gamma, bar.GetProperty("signed_gamma_dollars").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(contracts, bar.GetProperty("contracts").EnumerateArray().Select(v => v.GetInt64()));
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        using var client = _factory.ClientWithKey(Keys.Alpha);
        return await client.GetFromJsonAsync<JsonElement>(url);
    }

    /// <summary>
    /// Black-Scholes-Merton delta written out from the textbook (r = 4 %, q = 0), with the normal CDF by Simpson's rule,
    /// and gamma-dollars as the delta change over a ±0.5 % move, so nothing here reuses the product's pricing code. Time to expiry: seconds to 16:00 New York
    /// (20:00Z on 2026-06-05, daylight time) over 365 × 86,400.
    /// </summary>
    private static class Greeks
    {
        public static (long DeltaCents, long GammaCents) Signed(int sign, bool isCall, double spot, double strike, double iv, DateTimeOffset at, int size)
        {
            var years = (new DateTimeOffset(2026, 6, 5, 20, 0, 0, TimeSpan.Zero) - at).TotalSeconds / (365.0 * 86_400);
            double Delta(double s)
            {
                var d1 = (Math.Log(s / strike) + ((0.04 + (iv * iv / 2)) * years)) / (iv * Math.Sqrt(years));
                return isCall ? Cdf(d1) : Cdf(d1) - 1;
            }

            // Gamma over the move: the change in delta from 0.5 % below the spot to 0.5 % above it (docs/methodology.md §4).
            var deltaDollars = sign * Delta(spot) * size * 100 * spot;
            var gammaDollars = sign * (Delta(spot * 1.005) - Delta(spot * 0.995)) * size * 100 * spot;
            return (Cents(deltaDollars), Cents(gammaDollars));
        }

        /// <summary>Per-print cents are summed, and the bar's sum rounded to whole dollars (docs/methodology.md).</summary>
        public static long Dollars(long cents) => (long)Math.Round(cents / 100.0, MidpointRounding.AwayFromZero);

        private static long Cents(double dollars) => (long)Math.Round(dollars * 100, MidpointRounding.AwayFromZero);

        private static double Pdf(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

        private static double Cdf(double x)
        {
            const int Steps = 20_000;
            var a = -12.0;
            var h = (x - a) / Steps;
            var sum = Pdf(a) + Pdf(x);
            for (var i = 1; i < Steps; i++)
            {
                sum += Pdf(a + (i * h)) * (i % 2 == 1 ? 4 : 2);
            }

            return sum * h / 3;
        }
    }
}
