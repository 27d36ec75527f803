using System.Runtime.InteropServices;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// How a delta merges into a stored cell, by row family (the row key's first character, docs/storage.md "Rows"):
/// tallies add (<c>m</c>), symbol maps of tallies add per symbol (<c>M</c>, <c>H</c>, <c>D</c>), strike maps add per
/// strike (<c>z</c> 0DTE cells, <c>c</c> per-contract flow), the spot map keeps the newest mark per symbol (<c>S</c>).
/// The writer merges a batch's delta into its cached cell with this, and every read merges a row's stored deltas into
/// its base cells with the same function, so both see one value. Pure.
/// </summary>
internal static class FlowCells
{
    private delegate void Combine<T>(ref T into, in T delta);

    public static byte[] Merge(string rowKey, byte[]? stored, byte[] delta)
    {
        if (stored is null || stored.Length == 0)
        {
            return delta;
        }

        return rowKey[0] switch
        {
            'm' => MergeTally(stored, delta),
            'M' or 'H' or 'D' => MergeMap(stored, delta, static b => FlowCodec.DecodeTallies(b), FlowCodec.EncodeTallies, static (ref into, in d) => into.Merge(d)),
            'z' => MergeMap(stored, delta, static b => FlowCodec.DecodeStrikes(b), FlowCodec.EncodeStrikes, static (ref into, in d) => into.Merge(d)),
            'c' => MergeMap(stored, delta, static b => FlowCodec.DecodeContracts(b), FlowCodec.EncodeContracts, static (ref into, in d) => into.Merge(d)),
            'S' => MergeMap(stored, delta, static b => FlowCodec.DecodeSpots(b), FlowCodec.EncodeSpots, static (ref held, in mark) =>
            {
                if (mark.Timestamp >= held.Timestamp)
                {
                    held = mark;
                }
            }),
            _ => throw new ArgumentException($"Row '{rowKey}' is of no known family.", nameof(rowKey)),
        };
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
