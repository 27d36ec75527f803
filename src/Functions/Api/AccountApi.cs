using System.Text.Json.Serialization;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>Body of the account endpoint (<see cref="Endpoints.Account"/>): the caller's plan and quota; null limits mean none.</summary>
public sealed record AccountResponse(
    [property: JsonPropertyName("plan")] string Plan,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("daily_limit")] long? DailyLimit,
    [property: JsonPropertyName("used_today")] long UsedToday,
    [property: JsonPropertyName("remaining")] long? Remaining,
    [property: JsonPropertyName("resets_at")] DateTimeOffset ResetsAt,
    [property: JsonPropertyName("per_minute_limit")] long? PerMinuteLimit,
    [property: JsonPropertyName("used_this_minute")] long UsedThisMinute);

/// <summary>The account endpoint (<see cref="Endpoints.Account"/>): any plan; not counted against the quota (docs/api.md "Keys, plans and quotas").</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.Account.Path, Endpoints.Account.Methods, Get).As(Endpoints.Account);
        return app;
    }

    public static JsonHttpResult<AccountResponse> Get(HttpContext context)
    {
        var caller = Caller.Of(context) ?? throw new InvalidOperationException("The account endpoint runs behind the API-key filter.");
        var (limits, usage) = (caller.Limits, caller.Usage);
        var body = new AccountResponse(
            caller.Key.Plan.Name(),
            caller.Key.Name,
            caller.Key.IsAdmin,
            limits.DailyLimit > 0 ? limits.DailyLimit : null,
            usage.UsedToday,
            limits.DailyLimit > 0 ? Math.Max(0, limits.DailyLimit - usage.UsedToday) : null,
            usage.Day.AddDays(1),
            limits.PerMinuteLimit > 0 ? limits.PerMinuteLimit : null,
            usage.UsedThisMinute);
        return TypedResults.Json(body, ApiJsonContext.Default.AccountResponse);
    }
}
