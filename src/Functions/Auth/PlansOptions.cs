using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Auth;

/// <summary>One plan's limits from configuration (<c>Plans:&lt;plan&gt;:DailyLimit</c>, <c>:PerMinuteLimit</c>; 0 = none).</summary>
public sealed class PlanLimitOptions
{
    public long DailyLimit { get; set; }

    public long PerMinuteLimit { get; set; }
}

/// <summary>
/// The <c>Plans</c> configuration section. Read through <c>IOptionsMonitor</c>, so an operator's change to the
/// settings applies without a release. Defaults (docs/api.md "Keys, plans and quotas"): free 5/day, basic 100/day, growth 2,500/day, alpha
/// unlimited per day with 1,200 per minute.
/// </summary>
public sealed class PlansOptions
{
    public const string Section = "Plans";

    public PlanLimitOptions Free { get; set; } = new() { DailyLimit = 5 };

    public PlanLimitOptions Basic { get; set; } = new() { DailyLimit = 100 };

    public PlanLimitOptions Growth { get; set; } = new() { DailyLimit = 2_500 };

    public PlanLimitOptions Alpha { get; set; } = new() { PerMinuteLimit = 1_200 };

    public QuotaLimits LimitsOf(Plan plan)
    {
        var o = plan switch
        {
            Plan.Free => Free,
            Plan.Basic => Basic,
            Plan.Growth => Growth,
            _ => Alpha,
        };
        return new QuotaLimits(Math.Max(0, o.DailyLimit), Math.Max(0, o.PerMinuteLimit));
    }
}
