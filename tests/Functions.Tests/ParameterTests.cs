using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>Each parameter's default and clamps, and each 400 and 404 of docs/api.md "Parameters" and "Errors".</summary>
public sealed class ParameterTests(IngestedApp app) : IClassFixture<IngestedApp>
{
    [Theory]
    [InlineData("", 240)]
    [InlineData("?minutes=", 240)]
    [InlineData("?minutes=30", 30)]
    [InlineData("?minutes=0", 1)]
    [InlineData("?minutes=-5", 1)]
    [InlineData("?minutes=10080", 10080)]
    [InlineData("?minutes=10081", 10080)]
    [InlineData("?minutes=99999999999999999999999", 10080)]
    [InlineData("?minutes=-99999999999999999999999", 1)]
    [InlineData("?minutes=%2B15", 15)]
    public async Task CumulativeMinutesDefaultsTo240AndClampsTo1Through10080(string query, int expected)
    {
        var body = await app.GetJsonAsync("/v1/flow/options/SPY/cumulative" + query);
        Assert.Equal(expected, body.GetProperty("minutes").GetInt32());
    }

    [Theory]
    [InlineData("", 60)]
    [InlineData("?minutes=0", 1)]
    [InlineData("?minutes=391", 390)]
    [InlineData("?minutes=100000", 390)]
    public async Task StrikeFlowMinutesDefaultsTo60AndClampsTo1Through390(string query, int expectedWindow)
    {
        // The window shows as which bars come back: the hand tape's 0DTE prints are 3 to 5 minutes old.
        var body = await app.GetJsonAsync("/v1/flow/zero-dte/strike-flow/SPY" + query);
        var bars = body.GetProperty("bars").EnumerateArray().Select(b => b.GetProperty("t").GetString()).ToArray();
        if (expectedWindow == 1)
        {
            Assert.Empty(bars);
        }
        else
        {
            Assert.Contains("2026-06-05T18:40:00Z", bars);
        }
    }

    [Theory]
    [InlineData("", 10, 240)]
    [InlineData("?n=0&windowMinutes=0", 1, 1)]
    [InlineData("?n=-3&windowMinutes=-3", 1, 1)]
    [InlineData("?n=51&windowMinutes=10081", 50, 10080)]
    [InlineData("?n=99999999999&windowMinutes=99999999999", 50, 10080)]
    [InlineData("?n=2&windowMinutes=15", 2, 15)]
    public async Task LeaderboardNClampsTo1Through50AndWindowTo1Through10080(string query, int n, int window)
    {
        var body = await app.GetJsonAsync("/v1/flow/options/leaderboard" + query);
        Assert.Equal((n, window), (body.GetProperty("n").GetInt32(), body.GetProperty("windowMinutes").GetInt32()));
        Assert.True(body.GetProperty("buyers").GetArrayLength() <= n);
        Assert.True(body.GetProperty("sellers").GetArrayLength() <= n);
    }

    [Theory]
    [InlineData("/v1/flow/options/SPY/cumulative?minutes=abc", "invalid_parameter")]
    [InlineData("/v1/flow/options/SPY/cumulative?minutes=1.5", "invalid_parameter")]
    [InlineData("/v1/flow/options/SPY/cumulative?minutes=1e3", "invalid_parameter")]
    [InlineData("/v1/flow/options/SPY/cumulative?minutes=--1", "invalid_parameter")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY?minutes=ten", "invalid_parameter")]
    [InlineData("/v1/flow/options/leaderboard?n=x", "invalid_parameter")]
    [InlineData("/v1/flow/options/leaderboard?windowMinutes=1;DROP", "invalid_parameter")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY?bar=5m", "bar_unavailable")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY?bar=", "bar_unavailable")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY?bar=1M", "bar_unavailable")]
    [InlineData("/v1/strategies/flow-anomaly/SPY?expiry=2026-6-19", "invalid_expiry")]
    [InlineData("/v1/strategies/flow-anomaly/SPY?expiry=19/06/2026", "invalid_expiry")]
    [InlineData("/v1/flow/summary/SPY?expiry=2026-02-30", "invalid_expiry")]
    [InlineData("/v1/flow/summary/SPY?expiry=", "invalid_expiry")]
    [InlineData("/v1/flow/summary/SP%20Y", "invalid_symbol")]
    [InlineData("/v1/flow/options/ABCDEFGHIJKLM/cumulative", "invalid_symbol")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY'%20or%20'1'='1", "invalid_symbol")]
    [InlineData("/v1/strategies/flow-anomaly/%E2%82%AC", "invalid_symbol")]
    [InlineData("/v1/flow/options/%20/cumulative", "invalid_symbol")]
    public async Task BadValuesAre400WithTheirCode(string url, string code)
    {
        using var client = app.Factory.ClientWithKey(Keys.Alpha);
        using var response = await client.GetAsync(url);
        await ErrorAssert.IsAsync(response, 400, code);
    }

    [Theory]
    [InlineData("/v1/strategies/flow-anomaly/ZZZZ")]
    [InlineData("/v1/flow/summary/ZZZZ")]
    public async Task ChainEndpointsAre404ForASymbolWithNoChainAndNoPrintsToday(string url)
    {
        using var client = app.Factory.ClientWithKey(Keys.Alpha);
        using var response = await client.GetAsync(url);
        await ErrorAssert.IsAsync(response, 404, "symbol_not_found");
    }

    [Fact]
    public async Task UnknownSymbolIsAnEmptySeriesNotAnError()
    {
        var cumulative = await app.GetJsonAsync("/v1/flow/options/ZZZZ/cumulative");
        Assert.Equal((0, 0), (cumulative.GetProperty("count").GetInt32(), cumulative.GetProperty("points").GetArrayLength()));
        var strikes = await app.GetJsonAsync("/v1/flow/zero-dte/strike-flow/ZZZZ");
        Assert.Equal((0, 0), (strikes.GetProperty("strikes_grid").GetArrayLength(), strikes.GetProperty("bars").GetArrayLength()));
        Assert.Equal(JsonValueKind.Null, strikes.GetProperty("underlying_price").ValueKind);
    }

    [Fact]
    public async Task SymbolsAreTrimmedAndUpperCased()
    {
        var body = await app.GetJsonAsync("/v1/flow/options/%20spy%20/cumulative");
        Assert.Equal("SPY", body.GetProperty("symbol").GetString());
        Assert.True(body.GetProperty("count").GetInt32() > 0);
    }

    [Fact]
    public async Task ExpiryFilterRestrictsTheChain()
    {
        var all = await app.GetJsonAsync("/v1/flow/summary/SPY", Keys.Growth);
        var zeroDte = await app.GetJsonAsync($"/v1/flow/summary/SPY?expiry={HandTapes.Today}", Keys.Growth);
        Assert.True(all.GetProperty("contracts_total").GetInt32() > zeroDte.GetProperty("contracts_total").GetInt32());
        Assert.Equal(3, zeroDte.GetProperty("contracts_total").GetInt32()); // 590C, 589P, 591C traded, none listed
    }

    [Fact]
    public async Task LeaderboardSellersAreNegativeAndBuyersPositive()
    {
        using var client = app.Factory.ClientWithKey(Keys.Alpha);
        var body = await client.GetFromJsonAsync<JsonElement>("/v1/flow/options/leaderboard?n=50&windowMinutes=10080");
        Assert.All(body.GetProperty("buyers").EnumerateArray(), r => Assert.True(r.GetProperty("netNotional").GetInt64() > 0));
        Assert.All(body.GetProperty("sellers").EnumerateArray(), r => Assert.True(r.GetProperty("netNotional").GetInt64() < 0));
    }
}
