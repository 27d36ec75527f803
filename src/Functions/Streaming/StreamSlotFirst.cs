using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// Endpoint metadata of the live stream (docs/api.md "Live flow stream", "Limits"): <see cref="ApiKeyFilter"/> takes the
/// key's stream slot before it counts the request, so a stream refused for want of a slot is not counted. The slot
/// rides in <see cref="HttpContext.Items"/> to the handler and is given back when the request ends, whatever happens.
/// </summary>
public sealed class StreamSlotFirst
{
    public const string ItemKey = "flowfunctions.stream-slot";

    /// <summary>Takes the slot of a key that may open streams; the answer when none is free, else null (a key that is unknown or below the plan is left to the gate).</summary>
    public static async Task<JsonHttpResult<ApiError>?> TakeAsync(HttpContext http, ApiKeyGate gate, string? presented, KeyRequirement requirement)
    {
        var (key, _) = await gate.IdentifyAsync(presented, http.RequestAborted);
        if (key is null || key.Plan < requirement.Plan)
        {
            return null;
        }

        var limit = http.RequestServices.GetRequiredService<IOptionsMonitor<PlansOptions>>().CurrentValue.MaxStreamsOf(key.Plan);
        var slot = http.RequestServices.GetRequiredService<StreamSlots>().TryTake(key.Id, limit);
        if (slot is null)
        {
            return Refused(http, key.Plan, limit);
        }

        http.Items[ItemKey] = slot;
        http.Response.RegisterForDispose(slot);
        return null;
    }

    /// <summary>429 for a key that holds all its streams: not counted, <c>Retry-After: 5</c>.</summary>
    public static JsonHttpResult<ApiError> Refused(HttpContext http, Plan plan, int limit)
    {
        http.Response.Headers.RetryAfter = "5";
        ApiMetrics.QuotaRefused(plan.Name());
        return ApiErrors.Create(429, ApiErrors.RateLimited, $"This key already holds {limit} open streams, the most the {plan.Name()} plan allows; close one first.");
    }

    /// <summary>Gives back a slot taken for a request the gate then refused.</summary>
    public static void Release(HttpContext http) => (http.Items[ItemKey] as IDisposable)?.Dispose();
}
