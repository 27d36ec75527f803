namespace FlowFunctions.Client;

/// <summary>
/// An answer that was not a success, with the API's error body: the HTTP status, the error code (<c>unauthorized</c>,
/// <c>tier_restricted</c>, <c>rate_limited</c>, <c>invalid_symbol</c>, <c>symbol_not_found</c>,
/// <c>upstream_unavailable</c>, …; docs/api.md "Errors" lists them) and its message. A 403 carries the key's plan
/// and the plan the endpoint needs; a 429 when the client'd retry no more, how long to wait.
/// </summary>
public sealed class FlowFunctionsException : Exception
{
    public FlowFunctionsException(int status, string errorCode, string message, string? currentPlan = null, string? requiredPlan = null, TimeSpan? retryAfter = null, RateLimit? rateLimit = null)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
        CurrentPlan = currentPlan;
        RequiredPlan = requiredPlan;
        RetryAfter = retryAfter;
        RateLimit = rateLimit;
    }

    /// <summary>The HTTP status (400, 401, 403, 404, 429, 502, …).</summary>
    public int Status { get; }

    /// <summary>The API's error code; <c>http_&lt;status&gt;</c> when the body was not the API's (a proxy's page, say).</summary>
    public string ErrorCode { get; }

    /// <summary>On 403 <c>tier_restricted</c>: the key's plan.</summary>
    public string? CurrentPlan { get; }

    /// <summary>On 403 <c>tier_restricted</c>: the lowest plan the endpoint answers.</summary>
    public string? RequiredPlan { get; }

    /// <summary>The answer's <c>Retry-After</c>, when it had one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The answer's rate-limit headers, when it had them (every authenticated answer does).</summary>
    public RateLimit? RateLimit { get; }
}
