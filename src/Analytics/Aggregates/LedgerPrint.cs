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
    /// <summary>Whether the print is stamped at or before <paramref name="ticks"/> (UTC): what an answer as of that instant counts.</summary>
    public bool StampedBy(long ticks) => Print.Ticks <= ticks;

    /// <summary>Adds the print to its minute's tally exactly as the fold did.</summary>
    public void AddTo(ref FlowTally tally) => tally.Add(Side, Size, PremiumCents, Print);

    /// <summary>Adds the print to its contract's day flow exactly as the fold did.</summary>
    public void AddTo(ref ContractDayFlow flow) => flow.Add(Side, BuyMilli, Size, PremiumCents, Print);

    /// <summary>Adds the print to its 0DTE strike cell exactly as the fold did (only for <see cref="ZeroDte"/> prints).</summary>
    public void AddTo(ref StrikeMinuteFlow cell) => cell.Add(DeltaCents, GammaCents, Size, Print);

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
