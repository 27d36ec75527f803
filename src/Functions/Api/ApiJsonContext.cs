using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Functions.Ingest;

namespace FlowFunctions.Functions.Api;

/// <summary>Source-generated serialization of the app's own bodies (errors, account, ingest, health, the dashboard's config).</summary>
[JsonSourceGenerationOptions(
    Converters = [typeof(UtcTimestampConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(Dashboard.DashboardConfig))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
