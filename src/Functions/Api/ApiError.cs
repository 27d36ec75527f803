using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>The one error body of the API (docs/api.md "Errors"); the plan fields appear on 403 only.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("current_plan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CurrentPlan = null,
    [property: JsonPropertyName("required_plan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequiredPlan = null);

/// <summary>
/// Every error the API answers, built here and nowhere else: the codes and statuses docs/api.md "Errors" lists, plus the few the
/// ingest endpoint and the router need. Endpoints return these as typed results; middleware writes them with
/// <see cref="WriteAsync"/>.
/// </summary>
public static class ApiErrors
{
    public const string InvalidExpiry = "invalid_expiry";
    public const string BarUnavailable = "bar_unavailable";
    public const string InvalidSymbol = "invalid_symbol";
    public const string InvalidParameter = "invalid_parameter";
    public const string InvalidAt = "invalid_at";
    public const string AtOutOfRange = "at_out_of_range";
    public const string Unauthorized = "unauthorized";
    public const string TierRestricted = "tier_restricted";
    public const string AdminRequired = "admin_required";
    public const string SymbolNotFound = "symbol_not_found";
    public const string RateLimited = "rate_limited";
    public const string UpstreamUnavailable = "upstream_unavailable";
    public const string PayloadTooLarge = "payload_too_large";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string InternalError = "internal_error";

    private const int MaxEchoedLength = 40;

    public static JsonHttpResult<ApiError> Create(int status, string code, string message) =>
        TypedResults.Json(new ApiError("ERROR", code, message), ApiJsonContext.Default.ApiError, statusCode: status);

    /// <summary>An error as a cacheable body with its status (for answers shared through <see cref="ResponseCache"/>).</summary>
    public static CachedJson Cached(JsonHttpResult<ApiError> error, DateTimeOffset builtUtc) =>
        CachedJson.Of(error.Value!, ApiJsonContext.Default.ApiError, builtUtc, error.StatusCode ?? StatusCodes.Status500InternalServerError);

    public static JsonHttpResult<ApiError> BadSymbol(string raw) => Create(400, InvalidSymbol,
        $"Symbol '{Echo(raw)}' is not valid: use 1 to 12 of A-Z, 0-9, '.', '_' or '-'.");

    public static JsonHttpResult<ApiError> BadExpiry(string raw) => Create(400, InvalidExpiry,
        $"expiry '{Echo(raw)}' is not a date in yyyy-MM-dd format.");

    public static JsonHttpResult<ApiError> BadBar(string raw) => Create(400, BarUnavailable,
        $"bar '{Echo(raw)}' is not available; only 1m bars are supported.");

    public static JsonHttpResult<ApiError> BadParameter(string name, string raw, string expected) => Create(400, InvalidParameter,
        $"{name} '{Echo(raw)}' is not valid: {expected}.");

    public static JsonHttpResult<ApiError> BadAt(string raw) => Create(400, InvalidAt,
        $"at '{Echo(raw)}' is not an ISO 8601 instant with an offset, such as 2026-06-05T14:31:00-04:00 or 2026-06-05T18:31:00Z.");

    public static JsonHttpResult<ApiError> OutOfRangeAt(DateTimeOffset at, string why) => Create(400, AtOutOfRange,
        $"at {at:yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz} is {why}.");

    public static JsonHttpResult<ApiError> NoSymbol(string symbol) => Create(404, SymbolNotFound,
        $"No market data for {symbol} today: no chain and no prints.");

    public static JsonHttpResult<ApiError> Tier(string currentPlan, string requiredPlan) =>
        TypedResults.Json(
            new ApiError("ERROR", TierRestricted, $"This endpoint requires the {requiredPlan} plan or higher; your key is on the {currentPlan} plan.", currentPlan, requiredPlan),
            ApiJsonContext.Default.ApiError,
            statusCode: 403);

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiError("ERROR", code, message), ApiJsonContext.Default.ApiError, contentType: null, context.RequestAborted);
    }

    /// <summary>Caller input echoed in a message, cut short so an error never reflects a huge or multi-line value.</summary>
    public static string Echo(string raw)
    {
        var s = raw.Length > MaxEchoedLength ? raw[..MaxEchoedLength] + "…" : raw;
        return string.Create(s.Length, s, static (span, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                span[i] = char.IsControl(src[i]) ? '?' : src[i];
            }
        });
    }
}
