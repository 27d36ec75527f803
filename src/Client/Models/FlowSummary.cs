using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>Flow summary (<see cref="FlowFunctionsClient.GetFlowSummaryAsync"/>; growth plan): whether today's flow is reshaping dealer gamma.</summary>
/// <param name="AsOf">When the answer was built (UTC).</param>
/// <param name="UnderlyingPrice">Last known spot; null when none is known.</param>
/// <param name="Expiry">The expiry filter; null when all expiries are aggregated.</param>
/// <param name="FlowDirection"><c>amplifying</c>, <c>dampening</c>, <c>neutral</c> (|shift| &lt; 5 %), <c>regime_flip</c> or <c>no_flow</c>.</param>
/// <param name="IntradayOiDelta">Σ of the open-interest changes today's flow implies.</param>
/// <param name="ContractsWithFlow">Contracts whose effective open interest differs from the morning's.</param>
/// <param name="ContractsTotal">Contracts in the chain after the expiry filter.</param>
/// <param name="LiveGex">Gamma exposure on the effective open interest, USD per 1 % move.</param>
/// <param name="FlowGexPctShift">(live − settled) / |settled|; null when settled is 0.</param>
public sealed record FlowSummary(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf,
    [property: JsonPropertyName("underlying_price")] double? UnderlyingPrice,
    [property: JsonPropertyName("expiry")] DateOnly? Expiry,
    [property: JsonPropertyName("flow_direction")] string FlowDirection,
    [property: JsonPropertyName("intraday_oi_delta")] long IntradayOiDelta,
    [property: JsonPropertyName("contracts_with_flow")] int ContractsWithFlow,
    [property: JsonPropertyName("contracts_total")] int ContractsTotal,
    [property: JsonPropertyName("live_gex")] long LiveGex,
    [property: JsonPropertyName("flow_gex_pct_shift")] double? FlowGexPctShift,
    [property: JsonPropertyName("dealer_gex")] DealerGex DealerGex,
    [property: JsonPropertyName("signed_flow")] SignedFlow SignedFlow);

/// <summary>Dealer-signed gamma exposure with a P10–P90 band, USD per 1 % move, positive when dealers are long gamma.</summary>
/// <param name="Settled">The prior at the open: dealers net long 30 % of call and short 30 % of put open interest.</param>
/// <param name="P50">The estimate now: the prior less the other side of today's expected customer flow.</param>
/// <param name="Regime"><c>long_gamma</c> when P10 &gt; 0, <c>short_gamma</c> when P90 &lt; 0, else <c>uncertain</c>.</param>
/// <param name="RegimeFlip">True only when the band excludes zero on the other side from the settled figure.</param>
public sealed record DealerGex(
    [property: JsonPropertyName("settled")] long Settled,
    [property: JsonPropertyName("p10")] long P10,
    [property: JsonPropertyName("p50")] long P50,
    [property: JsonPropertyName("p90")] long P90,
    [property: JsonPropertyName("regime")] string Regime,
    [property: JsonPropertyName("regime_flip")] bool RegimeFlip);

/// <summary>Today's net contracts by the aggressor rule and as expected under each print's calibrated buy probability.</summary>
/// <param name="RuleNetContracts">Buy − sell contracts by the aggressor rule (mid prints count on neither side).</param>
/// <param name="ExpectedNetContracts">Σ (2q − 1) × size, q each print's buy probability.</param>
/// <param name="SdNetContracts">Standard deviation of buy − sell contracts under those probabilities.</param>
/// <param name="SignCertainty">Volume-weighted mean of |2q − 1|: 1 when every side is certain; null without prints.</param>
public sealed record SignedFlow(
    [property: JsonPropertyName("rule_net_contracts")] long RuleNetContracts,
    [property: JsonPropertyName("expected_net_contracts")] long ExpectedNetContracts,
    [property: JsonPropertyName("sd_net_contracts")] long SdNetContracts,
    [property: JsonPropertyName("sign_certainty")] double? SignCertainty);
