using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;

namespace FlowFunctions.Functions.Auth;

/// <summary>One plan's limits from configuration (<c>Plans:&lt;plan&gt;:DailyLimit</c>, <c>:PerMinuteLimit</c>; 0 = none).</summary>
public sealed class PlanLimitOptions
{
    public long DailyLimit { get; set; }

    public long PerMinuteLimit { get; set; }

    /// <summary>Live flow streams one key may hold open at once (docs/api.md "Live flow stream").</summary>
    public int MaxStreams { get; set; }
}

/// <summary>
/// The <c>Plans</c> configuration section. Read through <c>IOptionsMonitor</c>, so an operator's change to the
/// settings applies without a release. Defaults (docs/api.md "Keys, plans and quotas"): free 5/day, basic 100/day, growth 2,500/day, alpha
/// unlimited per day with 1,200 per minute and 5 open streams.
/// </summary>
public sealed class PlansOptions
{
    public const string Section = "Plans";

    public PlanLimitOptions Free { get; set; } = new() { DailyLimit = 5 };

    public PlanLimitOptions Basic { get; set; } = new() { DailyLimit = 100 };

    public PlanLimitOptions Growth { get; set; } = new() { DailyLimit = 2_500 };

    public PlanLimitOptions Alpha { get; set; } = new() { PerMinuteLimit = 1_200, MaxStreams = 5 };

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

    /// <summary>How many streams a key of <paramref name="plan"/> may hold open at once.</summary>
    public int MaxStreamsOf(Plan plan) => Math.Max(0, plan switch
    {
        Plan.Free => Free.MaxStreams,
        Plan.Basic => Basic.MaxStreams,
        Plan.Growth => Growth.MaxStreams,
        _ => Alpha.MaxStreams,
    });
}
