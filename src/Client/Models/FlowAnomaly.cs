using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>
/// Flow anomaly (<see cref="FlowFunctionsClient.GetFlowAnomalyAsync"/>; growth plan): whether one-sided option flow in a name is a trade,
/// and the credit spread that expresses it.
/// </summary>
/// <param name="Strategy">Always <c>flow_anomaly</c>.</param>
/// <param name="Timestamp">When the answer was built (UTC).</param>
/// <param name="Decision"><c>candidate</c> (score ≥ 70, data quality ≥ 70, a bias and a spread), <c>no_setup</c>, or <c>insufficient_data</c>.</param>
/// <param name="Score">0–100: how lopsided and how large the directional premium is; 70 makes a candidate.</param>
/// <param name="Confidence">0–1: prints seen, how certain the trade signs are, and how aligned the volume is.</param>
/// <param name="Regime"><c>bullish_flow_imbalance</c>, <c>bearish_flow_imbalance</c> or <c>neutral_flow</c>.</param>
/// <param name="BestStructures">The proposed spread (at most one): a short put spread for bullish flow, a short call spread for bearish.</param>
/// <param name="Why">Plain sentences: the measure and threshold that set the read, then what made it a candidate or not.</param>
/// <param name="AvoidIf">Conditions under which the trade should not be taken.</param>
public sealed record FlowAnomaly(
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("score")] int Score,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("regime")] string Regime,
    [property: JsonPropertyName("best_structures")] IReadOnlyList<SpreadStructure> BestStructures,
    [property: JsonPropertyName("metrics")] FlowAnomalyMetrics Metrics,
    [property: JsonPropertyName("risk_flags")] IReadOnlyList<RiskFlag> RiskFlags,
    [property: JsonPropertyName("why")] IReadOnlyList<string> Why,
    [property: JsonPropertyName("avoid_if")] IReadOnlyList<string> AvoidIf,
    [property: JsonPropertyName("data_quality")] DataQuality DataQuality);

/// <summary>A two-leg credit spread.</summary>
/// <param name="Credit">Short premium − long premium, per share.</param>
/// <param name="Debit">Always null for these credit spreads.</param>
/// <param name="MaxProfit">The credit.</param>
/// <param name="MaxLoss">Strike width − credit.</param>
/// <param name="EdgeScore">The anomaly score: the flow is the edge.</param>
/// <param name="LiquidityScore">0–1: the legs' quoted spreads and open interest.</param>
/// <param name="NaturalCredit">The credit at natural fills: the short leg's bid − the long leg's ask, per share (× 100 per contract); can be zero or negative where the mid credit is positive.</param>
/// <param name="NaturalMaxLoss">Strike width − the natural credit, per share.</param>
public sealed record SpreadStructure(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("structure")] string Structure,
    [property: JsonPropertyName("expiry")] DateOnly Expiry,
    [property: JsonPropertyName("legs")] IReadOnlyList<SpreadLeg> Legs,
    [property: JsonPropertyName("credit")] double? Credit,
    [property: JsonPropertyName("debit")] double? Debit,
    [property: JsonPropertyName("max_profit")] double MaxProfit,
    [property: JsonPropertyName("max_loss")] double MaxLoss,
    [property: JsonPropertyName("breakevens")] IReadOnlyList<double> Breakevens,
    [property: JsonPropertyName("edge_score")] int EdgeScore,
    [property: JsonPropertyName("liquidity_score")] double LiquidityScore,
    [property: JsonPropertyName("natural_credit")] double NaturalCredit,
    [property: JsonPropertyName("natural_max_loss")] double NaturalMaxLoss);

/// <summary>One leg of a spread: <c>sell</c> or <c>buy</c> a <c>put</c> or <c>call</c>, at the chain mid; <c>NaturalPrice</c> is its natural fill (the bid to sell, the ask to buy). Prices per share.</summary>
public sealed record SpreadLeg(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("strike")] double Strike,
    [property: JsonPropertyName("delta")] double Delta,
    [property: JsonPropertyName("premium")] double Premium,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("natural_price")] double NaturalPrice);

/// <summary>The measures behind the score.</summary>
/// <param name="Bias"><c>bullish</c> or <c>bearish</c> when that side has at least 55 % of directional premium, else <c>neutral</c>.</param>
/// <param name="DominantPremiumUsd">The larger of bullish (call buys + put sells) and bearish (put buys + call sells) premium.</param>
/// <param name="DominantPremiumPct">Its share of the two.</param>
/// <param name="Top3StrikesVolumePct">Volume of the three busiest strikes over all volume.</param>
public sealed record FlowAnomalyMetrics(
    [property: JsonPropertyName("bias")] string Bias,
    [property: JsonPropertyName("call_put_volume_ratio")] double? CallPutVolumeRatio,
    [property: JsonPropertyName("call_put_oi_ratio")] double? CallPutOiRatio,
    [property: JsonPropertyName("total_volume")] long TotalVolume,
    [property: JsonPropertyName("total_open_interest")] long TotalOpenInterest,
    [property: JsonPropertyName("underlying_price")] double? UnderlyingPrice,
    [property: JsonPropertyName("dominant_premium_usd")] long DominantPremiumUsd,
    [property: JsonPropertyName("dominant_premium_pct")] double? DominantPremiumPct,
    [property: JsonPropertyName("top3_strikes_volume_pct")] double? Top3StrikesVolumePct);

/// <summary>A caution: <c>low</c>, <c>medium</c> or <c>high</c>, a code (<c>low_data_quality</c>, <c>mixed_signals</c>, …) and a sentence with the figure measured.</summary>
public sealed record RiskFlag(
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>0–100, less a deduction (each with its warning) for a missing chain, a stale spot, few prints, uncertain signs or missing IVs.</summary>
public sealed record DataQuality(
    [property: JsonPropertyName("score")] int Score,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings);
