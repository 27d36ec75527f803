using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Auth;

/// <summary>
/// Guards every <c>/v1</c> endpoint, in the order docs/api.md "Keys, plans and quotas" gives: a missing, malformed, unknown or revoked key is 401; a key
/// below the endpoint's plan (or not admin, for admin endpoints) is 403; neither counts. Then the quota: one request
/// counted in the store, 429 with <c>Retry-After</c> when a window is full. Every authenticated answer carries the
/// <c>X-RateLimit-*</c> headers. The key is read from <c>X-Api-Key</c>, else the <c>apiKey</c> query parameter, and
/// is never logged: logs name the key's id (a prefix of its keyed hash). Every answer is <c>Cache-Control: private</c>.
/// </summary>
public sealed partial class ApiKeyFilter(
    IApiKeyStore keys,
    IQuotaStore quotas,
    ApiKeyHasher hasher,
    IOptionsMonitor<PlansOptions> plans,
    TimeProvider time,
    ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";
    public const string QueryName = "apiKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;

        // Every /v1 answer is one key's (its quota headers, its plan's access): a shared cache must never hand it to
        // another caller. An endpoint may add a lifetime (the leaderboard's max-age) but keeps "private".
        http.Response.Headers.CacheControl = "private";
        var presented = Presented(http.Request);
        if (presented is null)
        {
            return ApiErrors.Create(401, ApiErrors.Unauthorized, "Missing API key: send it in the X-Api-Key header or the apiKey query parameter.");
        }

        if (!ApiKeyHasher.IsWellFormed(presented))
        {
            return ApiErrors.Create(401, ApiErrors.Unauthorized, "Malformed API key.");
        }

        var digest = hasher.Digest(presented);
        var key = await keys.FindAsync(digest.Id, ct);
        if (key is null || !ApiKeyHasher.Matches(key.Hash, digest.Hash) || key.IsRevoked)
        {
            LogRejected(logger, digest.Id, key?.IsRevoked == true);
            return ApiErrors.Create(401, ApiErrors.Unauthorized, key?.IsRevoked == true ? "This API key has been revoked." : "Invalid API key.");
        }

        var metadata = http.GetEndpoint()?.Metadata;
        var limits = plans.CurrentValue.LimitsOf(key.Plan);
        var now = time.GetUtcNow();
        var forbidden = metadata?.GetMetadata<AdminRequirement>() is not null && !key.IsAdmin
            ? ApiErrors.Create(403, ApiErrors.AdminRequired, "This endpoint requires an admin key.")
            : metadata?.GetMetadata<PlanRequirement>() is { } required && key.Plan < required.Plan
                ? ApiErrors.Tier(key.Plan.Name(), required.Plan.Name())
                : null;
        if (forbidden is not null || metadata?.GetMetadata<QuotaExempt>() is not null)
        {
            // Not counted (docs/api.md "Keys, plans and quotas"), but the caller still learns where its quota stands.
            var usage = await quotas.GetUsageAsync(key.Id, now, ct);
            if (forbidden is null)
            {
                return await Admit(context, next, new Caller(key, limits, usage));
            }

            RateLimitHeaders.Apply(http.Response, RateLimitHeaders.Window(limits, usage));
            return forbidden;
        }

        var decision = await quotas.TryConsumeAsync(key.Id, limits, now, ct);
        var caller = new Caller(key, limits, decision.Usage);
        if (!decision.Allowed)
        {
            RateLimitHeaders.Apply(http.Response, RateLimitHeaders.Window(limits, decision.Usage));
            var retryAfter = RateLimitHeaders.RetryAfterSeconds(limits, decision.Usage, now);
            http.Response.Headers.RetryAfter = retryAfter.ToString();
            LogLimited(logger, key.Id, key.Plan);
            ApiMetrics.QuotaRefused(key.Plan.Name());
            return ApiErrors.Create(429, ApiErrors.RateLimited, LimitMessage(key.Plan, limits, decision.Usage, retryAfter));
        }

        return await Admit(context, next, caller);
    }

    private static ValueTask<object?> Admit(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Caller caller)
    {
        caller.AttachTo(context.HttpContext);
        RateLimitHeaders.Apply(context.HttpContext.Response, RateLimitHeaders.Window(caller.Limits, caller.Usage));
        return next(context);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count > 0)
        {
            return header.ToString().Trim();
        }

        return request.Query.TryGetValue(QueryName, out var query) && query.Count > 0 ? query.ToString().Trim() : null;
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
