using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;
using static FlowFunctions.Testing.JsonShape;

namespace FlowFunctions.Functions.Tests;

/// <summary>Every seed example's field set, exactly, at every level, with data present in every array.</summary>
public sealed class SeedContractTests(IngestedApp app) : IClassFixture<IngestedApp>
{
    [Fact]
    public async Task FlowAnomalyHasTheSeedEnvelope()
    {
        var body = await app.GetJsonAsync("/v1/strategies/flow-anomaly/SPY");
        HasExactly(body, "strategy", "symbol", "timestamp", "decision", "score", "confidence", "regime", "best_structures",
            "metrics", "risk_flags", "why", "avoid_if", "data_quality");
        Assert.Equal(("flow_anomaly", "SPY", "candidate", "bullish_flow_imbalance"),
            (body.GetProperty("strategy").GetString(), body.GetProperty("symbol").GetString(), body.GetProperty("decision").GetString(), body.GetProperty("regime").GetString()));
        IsUtc(body.GetProperty("timestamp"));

        var structure = body.GetProperty("best_structures")[0];
        // The public pages' fields, and the natural fills beside them (docs/api.md "Fields beyond the public pages").
        HasExactly(structure, "rank", "structure", "expiry", "legs", "credit", "debit", "max_profit", "max_loss", "breakevens", "edge_score", "liquidity_score",
            "natural_credit", "natural_max_loss");
        Assert.True(structure.GetProperty("natural_credit").GetDouble() <= structure.GetProperty("credit").GetDouble());
        Assert.Equal("short_put_spread", structure.GetProperty("structure").GetString());
        Assert.Equal(JsonValueKind.Null, structure.GetProperty("debit").ValueKind);
        foreach (var leg in structure.GetProperty("legs").EnumerateArray())
        {
            HasExactly(leg, "action", "type", "strike", "delta", "premium", "quantity", "natural_price");
        }

        HasExactly(body.GetProperty("metrics"), "bias", "call_put_volume_ratio", "call_put_oi_ratio", "total_volume", "total_open_interest",
            "underlying_price", "dominant_premium_usd", "dominant_premium_pct", "top3_strikes_volume_pct");
        HasExactly(body.GetProperty("data_quality"), "score", "warnings");
        Assert.Equal(JsonValueKind.Array, body.GetProperty("risk_flags").ValueKind);
        Assert.NotEmpty(body.GetProperty("why").EnumerateArray());
    }

    [Fact]
    public async Task FlowSummaryHasTheSeedFields()
    {
        var body = await app.GetJsonAsync("/v1/flow/summary/SPY", Keys.Growth);
        // The public pages' fields, and the two this API adds beside them (docs/api.md "Fields beyond the public pages").
        HasExactly(body, "symbol", "as_of", "underlying_price", "expiry", "flow_direction", "intraday_oi_delta", "contracts_with_flow",
            "contracts_total", "live_gex", "flow_gex_pct_shift", "dealer_gex", "signed_flow");
        var signed = body.GetProperty("signed_flow");
        HasExactly(signed, "rule_net_contracts", "expected_net_contracts", "sd_net_contracts", "sign_certainty");
        Assert.InRange(signed.GetProperty("sign_certainty").GetDouble(), 0, 1);
        Assert.True(signed.GetProperty("sd_net_contracts").GetInt64() > 0);
        var dealer = body.GetProperty("dealer_gex");
        HasExactly(dealer, "settled", "p10", "p50", "p90", "regime", "regime_flip");
        Assert.True(dealer.GetProperty("p10").GetInt64() <= dealer.GetProperty("p50").GetInt64() && dealer.GetProperty("p50").GetInt64() <= dealer.GetProperty("p90").GetInt64());
        Assert.Contains(dealer.GetProperty("regime").GetString(), new[] { "long_gamma", "short_gamma", "uncertain" });
        IsUtc(body.GetProperty("as_of"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expiry").ValueKind);
        Assert.True(body.GetProperty("contracts_with_flow").GetInt32() > 0);

        var filtered = await app.GetJsonAsync("/v1/flow/summary/SPY?expiry=2026-06-19", Keys.Growth);
        Assert.Equal("2026-06-19", filtered.GetProperty("expiry").GetString());
        Assert.Equal(62, filtered.GetProperty("contracts_total").GetInt32()); // 31 strikes × call and put
    }

    [Fact]
    public async Task CumulativeHasTheSeedFields()
    {
        var body = await app.GetJsonAsync("/v1/flow/options/SPY/cumulative?minutes=240");
        HasExactly(body, "symbol", "minutes", "count", "points");
        Assert.Equal(body.GetProperty("count").GetInt32(), body.GetProperty("points").GetArrayLength());
        foreach (var point in body.GetProperty("points").EnumerateArray())
        {
            HasExactly(point, "ts", "netVolume", "cumulative", "vwap", "tradeCount");
            IsUtc(point.GetProperty("ts"));
        }
    }

    [Fact]
    public async Task StrikeFlowHasTheSeedFields()
    {
        var body = await app.GetJsonAsync("/v1/flow/zero-dte/strike-flow/SPY?bar=1m&minutes=120");
        HasExactly(body, "symbol", "underlying_price", "expiration", "bar_size", "as_of", "tier_used", "strikes_grid", "bars", "gap_intervals");
        Assert.Equal(("1m", "raw", HandTapes.Today), (body.GetProperty("bar_size").GetString(), body.GetProperty("tier_used").GetString(), body.GetProperty("expiration").GetString()));
        Assert.Equal(0, body.GetProperty("gap_intervals").GetArrayLength());
        var strikes = body.GetProperty("strikes_grid").GetArrayLength();
        foreach (var bar in body.GetProperty("bars").EnumerateArray())
        {
            HasExactly(bar, "t", "spot", "signed_delta_dollars", "signed_gamma_dollars", "contracts");
            IsUtc(bar.GetProperty("t"));
            Assert.Equal(strikes, bar.GetProperty("signed_delta_dollars").GetArrayLength());
            Assert.Equal(strikes, bar.GetProperty("signed_gamma_dollars").GetArrayLength());
            Assert.Equal(strikes, bar.GetProperty("contracts").GetArrayLength());
        }
    }

    [Fact]
    public async Task LeaderboardHasTheSeedFields()
    {
        var body = await app.GetJsonAsync("/v1/flow/options/leaderboard?n=10&windowMinutes=240");
        HasExactly(body, "generatedUtc", "n", "windowMinutes", "buyers", "sellers");
        IsUtc(body.GetProperty("generatedUtc"));
        foreach (var row in body.GetProperty("buyers").EnumerateArray().Concat(body.GetProperty("sellers").EnumerateArray()))
        {
            HasExactly(row, "symbol", "netVolume", "netNotional", "buyVolume", "sellVolume", "avgPremium", "tradeCount", "lastTradeUtc");
            IsUtc(row.GetProperty("lastTradeUtc"));
        }

        Assert.NotEmpty(body.GetProperty("sellers").EnumerateArray());
    }

    [Fact]
    public async Task AccountShowsPlanAndQuotaWithoutCountingItself()
    {
        var first = await app.GetJsonAsync("/v1/account", Keys.Basic);
        var second = await app.GetJsonAsync("/v1/account", Keys.Basic);
        HasExactly(first, "plan", "name", "admin", "daily_limit", "used_today", "remaining", "resets_at", "per_minute_limit", "used_this_minute");
        Assert.Equal(("basic", 100, 100), (first.GetProperty("plan").GetString(), first.GetProperty("daily_limit").GetInt32(), first.GetProperty("remaining").GetInt32()));
        Assert.Equal(first.GetProperty("used_today").GetInt32(), second.GetProperty("used_today").GetInt32());
        Assert.Equal("2026-06-06T00:00:00Z", first.GetProperty("resets_at").GetString());
    }

    [Theory]
    [InlineData("/v1/strategies/flow-anomaly/SPY")]
    [InlineData("/v1/flow/summary/SPY")]
    [InlineData("/v1/flow/options/SPY/cumulative")]
    [InlineData("/v1/flow/zero-dte/strike-flow/SPY")]
    [InlineData("/v1/flow/options/leaderboard")]
    public async Task ApiKeyInTheQueryWorksLikeTheHeader(string path)
    {
        using var client = app.Factory.CreateClient();
        using var response = await client.GetAsync($"{path}?apiKey={Keys.Alpha}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("X-RateLimit-Limit"));
    }
}
