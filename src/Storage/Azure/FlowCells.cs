using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// How a delta merges into a stored cell, by row family (the row key's first character, docs/storage.md "Rows"):
/// tallies add (<c>m</c>), symbol maps of tallies add per symbol (<c>M</c>, <c>H</c>, <c>D</c>), strike maps add per
/// strike (<c>z</c> 0DTE cells, <c>c</c> per-contract flow), the spot maps keep the newest mark per symbol (<c>S</c>,
/// and <c>Q</c> for spot events and chains alone), ledger rows (<c>p</c>) join their records, a minute row's quote cells (<c>q00</c>..<c>q59</c>) join their quotes and chain-event rows (<c>k</c>) are written once (<see cref="HistoryRows"/>), print-id rows (<c>i</c>)
/// join their ids, the first batch to write an id keeping it (<see cref="PrintIdRows"/>). A correction
/// (<see cref="FlowCodec.CorrectionFlag"/>, written by cancels) adds its sums, replaces each entry's latest print or
/// spot mark, and drops entries left without prints. The writer merges a batch's delta into its cached cell with this,
/// and every read merges a row's stored deltas into its base cells with the same function, so both see one value. Pure.
/// </summary>
internal static class FlowCells
{
    private delegate void Combine<T>(ref T into, in T delta);

    public static byte[] Merge(string rowKey, byte[]? stored, byte[] delta, string cell = "")
    {
        if (rowKey[0] == 'm' && cell.Length > 0 && cell[0] == 'q')
        {
            return stored is null || stored.Length == 0 ? delta : HistoryRows.JoinQuotes(stored, delta);
        }

        if (FlowCodec.IsCorrection(delta))
        {
            return Correct(rowKey, stored, delta);
        }

        if (stored is null || stored.Length == 0)
        {
            return delta;
        }

        return rowKey[0] switch
        {
            'p' => LedgerCodec.Join(cell, stored, delta),
            'k' => delta, // a batch's chain events, written once under its tag: a retry writes the same bytes
            'i' => PrintIdRows.Merge(stored, delta),
            'm' => MergeTally(stored, delta),
            'M' or 'H' or 'D' => MergeMap(stored, delta, static b => FlowCodec.DecodeTallies(b), FlowCodec.EncodeTallies, static (ref into, in d) => into.Merge(d)),
            'z' => MergeMap(stored, delta, static b => FlowCodec.DecodeStrikes(b), FlowCodec.EncodeStrikes, static (ref into, in d) => into.Merge(d)),
            'c' => MergeMap(stored, delta, static b => FlowCodec.DecodeContracts(b), FlowCodec.EncodeContracts, static (ref into, in d) => into.Merge(d)),
            'S' or 'Q' => MergeMap(stored, delta, static b => FlowCodec.DecodeSpots(b), FlowCodec.EncodeSpots, static (ref held, in mark) =>
            {
                if (mark.Timestamp >= held.Timestamp)
                {
                    held = mark;
                }
            }),
            _ => throw new ArgumentException($"Row '{rowKey}' is of no known family.", nameof(rowKey)),
        };
    }

    private static byte[] Correct(string rowKey, byte[]? stored, byte[] delta)
    {
        stored ??= [];
        switch (rowKey[0])
        {
            case 'm':
                var tally = FlowCodec.DecodeTally(stored);
                AddTally(ref tally, FlowCodec.DecodeTally(delta));
                return FlowCodec.EncodeTally(tally);
            case 'M' or 'H' or 'D':
                return CorrectMap(FlowCodec.DecodeTallies(stored), FlowCodec.DecodeTallies(delta), FlowCodec.EncodeTallies, AddTally, static t => t.TradeCount == 0);
            case 'z':
                return CorrectMap(FlowCodec.DecodeStrikes(stored), FlowCodec.DecodeStrikes(delta), FlowCodec.EncodeStrikes, static (ref into, in d) =>
                {
                    into.SignedDeltaCents += d.SignedDeltaCents;
                    into.SignedGammaCents += d.SignedGammaCents;
                    into.Contracts += d.Contracts;
                    into.Last = d.Last;
                }, static f => f.Contracts == 0);
            case 'c':
                return CorrectMap(FlowCodec.DecodeContracts(stored), FlowCodec.DecodeContracts(delta), FlowCodec.EncodeContracts, static (ref into, in d) =>
                {
                    var flow = into.Flow;
                    AddTally(ref flow, d.Flow);
                    into.Flow = flow;
                    into.SignedMilli += d.SignedMilli;
                    into.DecisiveMilli += d.DecisiveMilli;
                    into.SignVarianceMilli += d.SignVarianceMilli;
                }, static f => f.Flow.TradeCount == 0);
            case 'S' or 'Q':
                return CorrectMap(FlowCodec.DecodeSpots(stored), FlowCodec.DecodeSpots(delta), FlowCodec.EncodeSpots, static (ref held, in mark) => held = mark, static m => FlowCodec.IsNoSpot(m));
            default:
                throw new ArgumentException($"Row '{rowKey}' takes no corrections.", nameof(rowKey));
        }
    }

    /// <summary>A correction's tally onto a held one: sums add, the latest print is the correction's.</summary>
    private static void AddTally(ref FlowTally into, in FlowTally d)
    {
        into.BuyVolume += d.BuyVolume;
        into.SellVolume += d.SellVolume;
        into.MidVolume += d.MidVolume;
        into.BuyPremiumCents += d.BuyPremiumCents;
        into.SellPremiumCents += d.SellPremiumCents;
        into.MidPremiumCents += d.MidPremiumCents;
        into.TradeCount += d.TradeCount;
        into.Last = d.Last;
    }

    private static byte[] CorrectMap<TKey, T>(Dictionary<TKey, T> map, Dictionary<TKey, T> delta, Func<Dictionary<TKey, T>, byte[]> encode, Combine<T> combine, Func<T, bool> empty)
        where TKey : notnull
        where T : struct
    {
        foreach (var (key, value) in delta)
        {
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _);
            combine(ref held, value);
            if (empty(held))
            {
                map.Remove(key);
            }
        }

        return encode(map);
    }

    private static byte[] MergeTally(byte[] stored, byte[] delta)
    {
        var sum = FlowCodec.DecodeTally(stored);
        sum.Merge(FlowCodec.DecodeTally(delta));
        return FlowCodec.EncodeTally(sum);
    }

    private static byte[] MergeMap<TKey, T>(byte[] stored, byte[] delta, Func<byte[], Dictionary<TKey, T>> decode, Func<Dictionary<TKey, T>, byte[]> encode, Combine<T> combine)
        where TKey : notnull
        where T : struct
    {
        var map = decode(stored);
        foreach (var (key, value) in decode(delta))
        {
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out var existed);
            if (existed)
            {
                combine(ref held, value);
            }
            else
            {
                held = value;
            }
        }

        return encode(map);
    }
}
