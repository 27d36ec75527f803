using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Auth;

/// <summary>Endpoint metadata: the lowest plan that may call it.</summary>
public sealed record PlanRequirement(Plan Plan);

/// <summary>Endpoint metadata: only admin keys may call it (ingest).</summary>
public sealed record AdminRequirement;

/// <summary>Endpoint metadata: calls are not counted against the quota (account, admin operations).</summary>
public sealed record QuotaExempt;

/// <summary>Declares who may call an endpoint (from its entry in Api/Endpoints.cs); <see cref="ApiKeyFilter"/> enforces it.</summary>
public static class AccessMetadata
{
    public static RouteHandlerBuilder RequirePlan(this RouteHandlerBuilder endpoint, Plan plan) =>
        endpoint.WithMetadata(new PlanRequirement(plan));

    public static RouteHandlerBuilder RequireAdmin(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new AdminRequirement(), new QuotaExempt());

    public static RouteHandlerBuilder ExemptFromQuota(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new QuotaExempt());
}
