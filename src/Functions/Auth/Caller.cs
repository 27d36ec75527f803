using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Auth;

/// <summary>The authenticated caller of a request: the key's record, its plan's limits and its usage after this request.</summary>
public sealed record Caller(ApiKeyRecord Key, QuotaLimits Limits, QuotaUsage Usage)
{
    private static readonly object ItemKey = new();

    public static Caller? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var c) ? c as Caller : null;

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
