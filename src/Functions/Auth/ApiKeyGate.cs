using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Auth;

/// <summary>What a call needs of its key: at least a plan, an admin key, and whether it is counted.</summary>
public readonly record struct KeyRequirement(Plan Plan, bool Admin, bool Counted)
{
    public static KeyRequirement Of(EndpointMetadataCollection? metadata) => new(
        metadata?.GetMetadata<PlanRequirement>()?.Plan ?? Plan.Free,
        metadata?.GetMetadata<AdminRequirement>() is not null,
        metadata?.GetMetadata<QuotaExempt>() is null);
}

/// <summary>
/// The gate's answer: the caller when admitted, else the error to answer; the quota window to report whenever the key
/// was known, and the seconds to wait on a 429.
/// </summary>
public sealed record KeyDecision(Caller? Caller, JsonHttpResult<ApiError>? Error, RateLimitWindow? Window, long? RetryAfterSeconds);

/// <summary>
/// The key check of docs/api.md "Keys, plans and quotas", whoever asks (the <c>/v1</c> endpoints'
/// <see cref="ApiKeyFilter"/>, the MCP server's tools): a missing, malformed, unknown or revoked key is 401; a key
/// below the plan (or not admin, where admin is needed) is 403; neither counts. Then the quota: one request counted in
/// the store, 429 when a window is full. The key is never logged: logs name the key's id. Thread-safe.
/// </summary>
public sealed partial class ApiKeyGate(
    IApiKeyStore keys,
    IQuotaStore quotas,
    ApiKeyHasher hasher,
    IOptionsMonitor<PlansOptions> plans,
    TimeProvider time,
    ILogger<ApiKeyGate> logger)
{
    public const string HeaderName = "X-Api-Key";
    public const string QueryName = "apiKey";

    /// <summary>
    /// The key a request presents: the <c>X-Api-Key</c> header, else (standalone only) the <c>apiKey</c> query
    /// parameter. Under the Functions host the query is not read (docs/api.md "Keys, plans and quotas"): the host
    /// records the URL it forwards in its own telemetry, where the app cannot redact a key.
    /// </summary>
    public static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count > 0)
        {
            return header.ToString().Trim();
        }

        var standalone = request.HttpContext.RequestServices?.GetService<AppMode>()?.IsStandalone ?? true;
        return standalone && request.Query.TryGetValue(QueryName, out var query) && query.Count > 0 ? query.ToString().Trim() : null;
    }

    /// <summary>The presented key's record, or the 401 to answer: nothing is counted and no usage is read.</summary>
    public async Task<(ApiKeyRecord? Key, JsonHttpResult<ApiError>? Error)> IdentifyAsync(string? presented, CancellationToken cancellationToken)
    {
        if (presented is null)
        {
            return (null, ApiErrors.Create(401, ApiErrors.Unauthorized, "Missing API key: send it in the X-Api-Key header (the standalone app also reads the apiKey query parameter; the function app does not)."));
        }

        if (!ApiKeyHasher.IsWellFormed(presented))
        {
            return (null, ApiErrors.Create(401, ApiErrors.Unauthorized, "Malformed API key."));
        }

        var digest = hasher.Digest(presented);
        var key = await keys.FindAsync(digest.Id, cancellationToken);
        if (key is null || !ApiKeyHasher.Matches(key.Hash, digest.Hash) || key.IsRevoked)
        {
            LogRejected(logger, digest.Id, key?.IsRevoked == true);
            return (null, ApiErrors.Create(401, ApiErrors.Unauthorized, key?.IsRevoked == true ? "This API key has been revoked." : "Invalid API key."));
        }

        return (key, null);
    }

    public async Task<KeyDecision> AdmitAsync(string? presented, KeyRequirement requirement, CancellationToken cancellationToken)
    {
        var (key, unauthorized) = await IdentifyAsync(presented, cancellationToken);
        if (key is null)
        {
            return new KeyDecision(null, unauthorized, null, null);
        }

        var limits = plans.CurrentValue.LimitsOf(key.Plan);
        var now = time.GetUtcNow();
        var forbidden = requirement.Admin && !key.IsAdmin
            ? ApiErrors.Create(403, ApiErrors.AdminRequired, "This endpoint requires an admin key.")
            : key.Plan < requirement.Plan
                ? ApiErrors.Tier(key.Plan.Name(), requirement.Plan.Name())
                : null;
        if (forbidden is not null || !requirement.Counted)
        {
            // Not counted (docs/api.md "Keys, plans and quotas"), but the caller still learns where its quota stands.
            var usage = await quotas.GetUsageAsync(key.Id, now, cancellationToken);
            var window = RateLimitHeaders.Window(limits, usage);
            return forbidden is null ? new KeyDecision(new Caller(key, limits, usage), null, window, null) : new KeyDecision(null, forbidden, window, null);
        }

        var decision = await quotas.TryConsumeAsync(key.Id, limits, now, cancellationToken);
        var counted = RateLimitHeaders.Window(limits, decision.Usage);
        if (!decision.Allowed)
        {
            var retryAfter = RateLimitHeaders.RetryAfterSeconds(limits, decision.Usage, now);
            LogLimited(logger, key.Id, key.Plan);
            ApiMetrics.QuotaRefused(key.Plan.Name());
            return new KeyDecision(null, ApiErrors.Create(429, ApiErrors.RateLimited, LimitMessage(key.Plan, limits, decision.Usage, retryAfter)), counted, retryAfter);
        }

        return new KeyDecision(new Caller(key, limits, decision.Usage), null, counted, null);
    }

    private static string LimitMessage(Plan plan, QuotaLimits limits, QuotaUsage usage, long retryAfter) =>
        limits.DailyLimit > 0 && usage.UsedToday >= limits.DailyLimit
            ? $"Daily limit of {limits.DailyLimit} requests reached for the {plan.Name()} plan; it resets at 00:00 UTC, in {retryAfter} s."
            : $"Limit of {limits.PerMinuteLimit} requests per minute reached for the {plan.Name()} plan; retry in {retryAfter} s.";

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused key {KeyId} (revoked: {Revoked})")]
    private static partial void LogRejected(ILogger logger, string keyId, bool revoked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limited key {KeyId} on the {Plan} plan")]
    private static partial void LogLimited(ILogger logger, string keyId, Plan plan);
}
