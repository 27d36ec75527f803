using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Memory;

// Cancels (docs/methodology.md §13): a cancel finds its print in the ledger of its symbol and minute, takes what the
// print added out of each aggregate, finds each latest-of again from the prints left, and drops cells left empty, so
// every read answers as if the print had never come. Called under the write lock, inside a commit: each change notes
// how to take itself back first (MemoryFlowStore, "all or nothing").
public sealed partial class MemoryFlowStore
{
    /// <summary>Applies the fold's cancels in order; returns how many named no print held.</summary>
    private int ApplyCancels(FlowFold fold)
    {
        var unmatched = 0;
        foreach (var cancel in fold.Cancels)
        {
            if (!TryCancel(cancel))
            {
                unmatched++;
            }
        }

        return unmatched;
    }

    private bool TryCancel(in CancelEvent cancel)
    {
        var minute = MinuteBucket.Of(cancel.Timestamp);
        if (!_symbols.TryGetValue(cancel.Underlying, out var data) || !data.Ledger.TryGetValue(minute, out var prints))
        {
            return false;
        }

        var index = -1;
        for (var i = 0; i < prints.Count && index < 0; i++)
        {
            if (prints[i].Id == cancel.Id && prints[i].Contract == cancel.Contract)
            {
                index = i;
            }
        }

        if (index < 0)
        {
            return false;
        }

        var p = prints[index];
        OnUndo(() => prints.Insert(index, p));
        prints.RemoveAt(index);
        RemoveFromMinute(data, minute, prints, p);
        if (p.ZeroDte)
        {
            RemoveFromStrike(data, minute, prints, p);
        }

        RemoveFromContract(data, minute, p);
        if (prints.Count == 0)
        {
            Remember(data.Ledger, minute);
            data.Ledger.Remove(minute);
        }

        if (p.SpotObserved && data.Spot == new SpotMark(p.Print.Spot, p.Print.Timestamp))
        {
            SetSpot(data, NewestSpotLeft(data, minute));
        }

        return true;
    }

    private void RemoveFromMinute(SymbolData data, long minute, List<LedgerPrint> left, in LedgerPrint p)
    {
        RememberMinute(data.Minutes, minute);
        var i = data.Minutes.IndexOf(minute);
        ref var tally = ref data.Minutes.ValueAt(i);
        var last = tally.Last == p.Print ? LedgerPrint.Latest(left, 0, static (_, _) => true) : tally.Last;
        tally.Remove(p.Side, p.Size, p.PremiumCents, last);
        if (tally.TradeCount == 0)
        {
            data.Minutes.RemoveAt(i);
        }
    }

    private void RemoveFromStrike(SymbolData data, long minute, List<LedgerPrint> left, in LedgerPrint p)
    {
        RememberMinute(data.ZeroDte, minute);
        var i = data.ZeroDte.IndexOf(minute);
        var strikes = data.ZeroDte.ValueAt(i)!;
        var strike = p.Contract.StrikeMilli;
        Remember(strikes, strike);
        ref var flow = ref CollectionsMarshal.GetValueRefOrNullRef(strikes, strike);
        var last = flow.Last == p.Print ? LedgerPrint.Latest(left, strike, static (q, s) => q.ZeroDte && q.Contract.StrikeMilli == s) : flow.Last;
        flow.Remove(p.DeltaCents, p.GammaCents, p.Size, last);
        if (flow.Contracts == 0)
        {
            strikes.Remove(strike);
            if (strikes.Count == 0)
            {
                data.ZeroDte.RemoveAt(i);
            }
        }
    }

    private void RemoveFromContract(SymbolData data, long minute, in LedgerPrint p)
    {
        var contracts = data.Contracts[p.TradingDate];
        Remember(contracts, p.Contract);
        ref var flow = ref CollectionsMarshal.GetValueRefOrNullRef(contracts, p.Contract);
        var last = flow.Flow.Last;
        if (last == p.Print)
        {
            // The print was the contract's latest, so no later minute holds one of its prints: the latest left is in
            // the newest minute of the trading date, at or before this one, that holds any.
            last = LastPrint.None;
            var first = MinuteBucket.Of(NewYorkTime.ToUtc(p.TradingDate, TimeOnly.MinValue));
            for (var m = minute; m >= first && last.IsNone; m--)
            {
                if (data.Ledger.TryGetValue(m, out var prints))
                {
                    last = LedgerPrint.Latest(prints, p, static (q, c) => q.Contract == c.Contract && q.TradingDate == c.TradingDate);
                }
            }
        }

        flow.Remove(p.Side, p.BuyMilli, p.Size, p.PremiumCents, last);
        if (flow.IsEmpty)
        {
            contracts.Remove(p.Contract);
        }
    }

    /// <summary>The newest of the quoted spot and the spots of the prints left, searched back from <paramref name="minute"/>.</summary>
    private static SpotMark? NewestSpotLeft(SymbolData data, long minute)
    {
        var spot = data.QuotedSpot;
        var ledgerStart = data.Ledger.Count == 0 ? minute + 1 : data.Ledger.Keys.Min();
        for (var m = minute; m >= ledgerStart; m--)
        {
            if (spot is { } quoted && MinuteBucket.Of(quoted.Timestamp) > m)
            {
                break;
            }

            if (!data.Ledger.TryGetValue(m, out var prints))
            {
                continue;
            }

            var last = LedgerPrint.Latest(prints, 0, static (q, _) => q.SpotObserved);
            if (!last.IsNone)
            {
                return spot is { } q2 && q2.Timestamp >= last.Timestamp ? q2 : new SpotMark(last.Spot, last.Timestamp);
            }
        }

        return spot;
    }

    private static void RemoveLedgerBefore(SymbolData data, long firstMinute)
    {
        foreach (var minute in data.Ledger.Keys.Where(m => m < firstMinute).ToArray())
        {
            data.Ledger.Remove(minute);
        }
    }
}
