namespace FlowFunctions.Storage.Keys;

/// <summary>Plan tiers in order (docs/api.md "Keys, plans and quotas"): a key reaches every endpoint at or below its plan.</summary>
public enum Plan
{
    Free = 0,
    Basic = 1,
    Growth = 2,
    Alpha = 3,
}

/// <summary>Plan names on the wire and in configuration: lower case (<c>free</c>, <c>basic</c>, <c>growth</c>, <c>alpha</c>).</summary>
public static class Plans
{
    public static IReadOnlyList<Plan> All { get; } = [Plan.Free, Plan.Basic, Plan.Growth, Plan.Alpha];

    public static string Name(this Plan plan) => plan switch
    {
        Plan.Free => "free",
        Plan.Basic => "basic",
        Plan.Growth => "growth",
        Plan.Alpha => "alpha",
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "Unknown plan."),
    };

    public static bool TryParse(string? name, out Plan plan)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                plan = p;
                return true;
            }
        }

        plan = default;
        return false;
    }
}
