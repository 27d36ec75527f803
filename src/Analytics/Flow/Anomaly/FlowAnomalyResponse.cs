using System.Text.Json.Serialization;

namespace FlowFunctions.Analytics.Flow.Anomaly;

/// <summary>Response of the flow-anomaly endpoint (its route is declared once, in Functions/Api/Endpoints.cs): the strategy decision envelope (docs/api.md).</summary>
public sealed record FlowAnomalyResponse(
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

public sealed record SpreadLeg(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("strike")] double Strike,
    [property: JsonPropertyName("delta")] double Delta,
    [property: JsonPropertyName("premium")] double Premium,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("natural_price")] double NaturalPrice);

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

/// <summary>A caution attached to a decision. Severity is <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
public sealed record RiskFlag(
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

public sealed record DataQuality(
    [property: JsonPropertyName("score")] int Score,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings);
