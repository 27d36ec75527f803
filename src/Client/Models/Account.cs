using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>The account (<see cref="FlowFunctionsClient.GetAccountAsync"/>; any plan, not counted): the key's plan and what is left of its quota.</summary>
/// <param name="Plan"><c>free</c>, <c>basic</c>, <c>growth</c> or <c>alpha</c>.</param>
/// <param name="DailyLimit">Requests per UTC day; null when unlimited.</param>
/// <param name="Remaining">Requests left today; null when unlimited.</param>
/// <param name="ResetsAt">The next UTC midnight.</param>
/// <param name="PerMinuteLimit">Requests per UTC minute; null when none.</param>
public sealed record Account(
    [property: JsonPropertyName("plan")] string Plan,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("daily_limit")] long? DailyLimit,
    [property: JsonPropertyName("used_today")] long UsedToday,
    [property: JsonPropertyName("remaining")] long? Remaining,
    [property: JsonPropertyName("resets_at")] DateTimeOffset ResetsAt,
    [property: JsonPropertyName("per_minute_limit")] long? PerMinuteLimit,
    [property: JsonPropertyName("used_this_minute")] long UsedThisMinute);
