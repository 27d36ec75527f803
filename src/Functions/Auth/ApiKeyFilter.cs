using FlowFunctions.Functions.Streaming;

namespace FlowFunctions.Functions.Auth;

/// <summary>
/// Guards every <c>/v1</c> endpoint with <see cref="ApiKeyGate"/>, by the endpoint's access metadata (docs/api.md "Keys,
/// plans and quotas"). Every answer for a known key carries the <c>X-RateLimit-*</c> headers, a 429 adds
/// <c>Retry-After</c>, and every answer is <c>Cache-Control: private</c>.
/// </summary>
public sealed class ApiKeyFilter(ApiKeyGate gate) : IEndpointFilter
{
    public const string HeaderName = ApiKeyGate.HeaderName;
    public const string QueryName = ApiKeyGate.QueryName;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;

        // Every /v1 answer is one key's (its quota headers, its plan's access): a shared cache must never hand it to
        // another caller. An endpoint may add a lifetime (the leaderboard's max-age) but keeps "private".
        http.Response.Headers.CacheControl = "private";
        var metadata = http.GetEndpoint()?.Metadata;
        var presented = ApiKeyGate.Presented(http.Request);
        var requirement = KeyRequirement.Of(metadata);
        if (metadata?.GetMetadata<StreamSlotFirst>() is not null && await StreamSlotFirst.TakeAsync(http, gate, presented, requirement) is { } full)
        {
            return full;
        }

        var decision = await gate.AdmitAsync(presented, requirement, http.RequestAborted);
        Report(http.Response, decision);
        if (decision.Caller is null)
        {
            StreamSlotFirst.Release(http);
            return decision.Error;
        }

        decision.Caller.AttachTo(http);
        return await next(context);
    }

    /// <summary>The decision's quota headers (and <c>Retry-After</c> on a 429) on a response.</summary>
    private static void Report(HttpResponse response, KeyDecision decision)
    {
        if (decision.Window is { } window)
        {
            RateLimitHeaders.Apply(response, window);
        }

        if (decision.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
