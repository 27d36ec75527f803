using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// One folded print as the fold counted it: what it added to each aggregate family, so a cancel can take exactly that
/// away again, and the <see cref="LastPrint"/> it offered, so a latest-of can be found again without it
/// (docs/methodology.md §13). Kept per symbol and minute (<see cref="FlowFold.Ledger"/>) for as long as a cancel may
/// come.
/// </summary>
/// <param name="Id">The feed's id; <see cref="TradeId.None"/> for a print no cancel can name (it still counts for latest-of).</param>
/// <param name="ZeroDte">Whether it was folded into the 0DTE strike cells (its expiry is its trading date).</param>
/// <param name="SpotObserved">Whether it carried its own spot, which then became the underlying's newest spot.</param>
public readonly record struct LedgerPrint(
    TradeId Id,
    OptionKey Contract,
    DateOnly TradingDate,
    AggressorSide Side,
    short BuyMilli,
    int Size,
    long PremiumCents,
    long DeltaCents,
    long GammaCents,
    bool ZeroDte,
    bool SpotObserved,
    LastPrint Print)
{
    /// <summary>The newest of <paramref name="prints"/> that pass <paramref name="keep"/>; <see cref="LastPrint.None"/> when none does.</summary>
    public static LastPrint Latest<TState>(IEnumerable<LedgerPrint> prints, TState state, Func<LedgerPrint, TState, bool> keep)
    {
        var last = LastPrint.None;
        foreach (var p in prints)
        {
            if (keep(p, state))
            {
                last = LastPrint.Latest(last, p.Print);
            }
        }

        return last;
    }
}
