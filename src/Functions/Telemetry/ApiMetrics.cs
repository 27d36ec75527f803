using System.Diagnostics.Metrics;

namespace FlowFunctions.Functions.Telemetry;

/// <summary>
/// What an operator watches on the API, as OpenTelemetry metrics on the meter <see cref="MeterName"/> (README,
/// "Telemetry"): quota refusals by plan, and cache lookups by cache and result. Tags are bounded sets (plan names,
/// cache names, hit or miss); never a key, a key id, a symbol or a query string.
/// </summary>
public static class ApiMetrics
{
    public const string MeterName = "FlowFunctions.Api";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> QuotaRefusals = Meter.CreateCounter<long>(
        "flowfunctions.quota.refusals", "{request}", "Requests answered 429 because a daily or per-minute quota was used up.");

    private static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>(
        "flowfunctions.cache.lookups", "{lookup}", "Lookups in the app's in-process caches, by cache and by hit or miss.");

    public static void QuotaRefused(string plan) => QuotaRefusals.Add(1, new KeyValuePair<string, object?>("flowfunctions.plan", plan));

    public static void CacheLookup(string cache, bool hit) =>
        CacheLookups.Add(1, new KeyValuePair<string, object?>("flowfunctions.cache", cache), new KeyValuePair<string, object?>("flowfunctions.result", hit ? "hit" : "miss"));
}
