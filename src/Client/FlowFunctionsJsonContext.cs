using System.Text.Json.Serialization;
using FlowFunctions.Client.Models;

namespace FlowFunctions.Client;

/// <summary>Source-generated JSON for every body the client reads: no reflection, trimming- and AOT-safe.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(FlowAnomaly))]
[JsonSerializable(typeof(FlowSummary))]
[JsonSerializable(typeof(CumulativeFlow))]
[JsonSerializable(typeof(StrikeFlow))]
[JsonSerializable(typeof(Leaderboard))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(StreamMinute))]
[JsonSerializable(typeof(StreamBlock))]
[JsonSerializable(typeof(StreamAlert))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class FlowFunctionsJsonContext : JsonSerializerContext;

/// <summary>The API's one error body: <c>{"status":"ERROR","error":code,"message":…}</c>, with the plans on 403.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("current_plan")] string? CurrentPlan,
    [property: JsonPropertyName("required_plan")] string? RequiredPlan);
