using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;

namespace FlowFunctions.Analytics.Json;

/// <summary>
/// Source-generated serialization of every response record, so the wire names in docs/api.md are fixed at
/// compile time and serialization needs no reflection. Property names come from the records' attributes.
/// </summary>
[JsonSourceGenerationOptions(
    Converters = [typeof(UtcTimestampConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CumulativeFlowResponse))]
[JsonSerializable(typeof(LeaderboardResponse))]
[JsonSerializable(typeof(StrikeFlowResponse))]
[JsonSerializable(typeof(FlowSummaryResponse))]
[JsonSerializable(typeof(FlowAnomalyResponse))]
public sealed partial class AnalyticsJsonContext : JsonSerializerContext;
