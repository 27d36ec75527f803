using System.Buffers.Binary;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Exposure;

namespace FlowFunctions.Storage.Azure;

// The fixed-width records inside the cells (docs/storage.md "Rows", "Cell formats: wide sums"): tallies, strike flows,
// contract flows, quotes and latest prints, each sum 8 bytes, or 16 in a wide cell.
internal static partial class FlowCodec
{
    /// <summary>A sum at <paramref name="at"/>, 8 bytes (16 when <paramref name="wide"/>); returns the offset after it.</summary>
    private static int WriteSum(Span<byte> s, int at, Int128 value, bool wide)
    {
        if (wide)
        {
            BinaryPrimitives.WriteInt128LittleEndian(s[at..], value);
            return at + 16;
        }

        BinaryPrimitives.WriteInt64LittleEndian(s[at..], (long)value);
        return at + 8;
    }

    private static Int128 ReadSum(ReadOnlySpan<byte> s, ref int at, bool wide)
    {
        var value = wide ? BinaryPrimitives.ReadInt128LittleEndian(s[at..]) : BinaryPrimitives.ReadInt64LittleEndian(s[at..]);
        at += wide ? 16 : 8;
        return value;
    }

    private static int WriteTally(Span<byte> s, in FlowTally t, bool wide)
    {
        var at = WriteSum(s, 0, t.BuyVolume, wide);
        at = WriteSum(s, at, t.SellVolume, wide);
        at = WriteSum(s, at, t.MidVolume, wide);
        at = WriteSum(s, at, t.BuyPremiumCents, wide);
        at = WriteSum(s, at, t.SellPremiumCents, wide);
        at = WriteSum(s, at, t.MidPremiumCents, wide);
        BinaryPrimitives.WriteInt64LittleEndian(s[at..], t.TradeCount);
        WriteLast(s[(at + 8)..], t.Last);
        return at + 8 + 32;
    }

    private static FlowTally ReadTally(ReadOnlySpan<byte> s, bool wide) => ReadTally(s, wide, out _);

    private static FlowTally ReadTally(ReadOnlySpan<byte> s, bool wide, out int length)
    {
        var at = 0;
        var t = new FlowTally
        {
            BuyVolume = ReadSum(s, ref at, wide),
            SellVolume = ReadSum(s, ref at, wide),
            MidVolume = ReadSum(s, ref at, wide),
            BuyPremiumCents = ReadSum(s, ref at, wide),
            SellPremiumCents = ReadSum(s, ref at, wide),
            MidPremiumCents = ReadSum(s, ref at, wide),
            TradeCount = BinaryPrimitives.ReadInt64LittleEndian(s[at..]),
            Last = ReadLast(s[(at + 8)..]),
        };
        length = at + 8 + 32;
        return t;
    }

    private static void WriteStrikeFlow(Span<byte> s, in StrikeMinuteFlow f, bool wide)
    {
        var at = WriteSum(s, 0, f.SignedDeltaCents, wide);
        at = WriteSum(s, at, f.SignedGammaCents, wide);
        at = WriteSum(s, at, f.Contracts, wide);
        WriteLast(s[at..], f.Last);
    }

    private static StrikeMinuteFlow ReadStrikeFlow(ReadOnlySpan<byte> s, bool wide)
    {
        var at = 0;
        return new StrikeMinuteFlow
        {
            SignedDeltaCents = ReadSum(s, ref at, wide),
            SignedGammaCents = ReadSum(s, ref at, wide),
            Contracts = ReadSum(s, ref at, wide),
            Last = ReadLast(s[at..]),
        };
    }

    private static void WriteContractFlow(Span<byte> s, in ContractDayFlow f, bool wide)
    {
        var at = WriteTally(s, f.Flow, wide);
        at = WriteSum(s, at, f.SignedMilli, wide);
        at = WriteSum(s, at, f.DecisiveMilli, wide);
        WriteSum(s, at, f.SignVarianceMilli, wide);
    }

    private static ContractDayFlow ReadContractFlow(ReadOnlySpan<byte> s, bool wide)
    {
        var flow = ReadTally(s, wide, out var at);
        return new ContractDayFlow
        {
            Flow = flow,
            SignedMilli = ReadSum(s, ref at, wide),
            DecisiveMilli = ReadSum(s, ref at, wide),
            SignVarianceMilli = ReadSum(s, ref at, wide),
        };
    }

    /// <summary>
    /// A version 1 contract cell: the rule's weighted buy and sell volumes in half contracts become the expected signed
    /// volume and decisiveness they stand for (a half contract is 500 thousandths); the variance was not kept.
    /// </summary>
    private static ContractDayFlow ReadContractFlowV1(ReadOnlySpan<byte> s)
    {
        var buyHalves = BinaryPrimitives.ReadInt64LittleEndian(s[TallySize..]);
        var sellHalves = BinaryPrimitives.ReadInt64LittleEndian(s[(TallySize + 8)..]);
        return new ContractDayFlow
        {
            Flow = ReadTally(s, false),
            SignedMilli = (buyHalves - sellHalves) * 500,
            DecisiveMilli = (buyHalves + sellHalves) * 500,
        };
    }

    private static void WriteQuote(Span<byte> s, in ChainQuote q)
    {
        BinaryPrimitives.WriteInt64LittleEndian(s, q.BaselineOi);
        BinaryPrimitives.WriteDoubleLittleEndian(s[8..], q.Iv);
        BinaryPrimitives.WriteDoubleLittleEndian(s[16..], q.Bid);
        BinaryPrimitives.WriteDoubleLittleEndian(s[24..], q.Ask);
        BinaryPrimitives.WriteInt64LittleEndian(s[32..], q.QuoteTicks);
    }

    private static ChainQuote ReadQuote(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadInt64LittleEndian(s),
        BinaryPrimitives.ReadDoubleLittleEndian(s[8..]),
        BinaryPrimitives.ReadDoubleLittleEndian(s[16..]),
        BinaryPrimitives.ReadDoubleLittleEndian(s[24..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[32..]));

    private static void WriteLast(Span<byte> s, in LastPrint p)
    {
        BinaryPrimitives.WriteInt64LittleEndian(s, p.Ticks);
        BinaryPrimitives.WriteDoubleLittleEndian(s[8..], p.Spot);
        BinaryPrimitives.WriteDoubleLittleEndian(s[16..], p.Iv);
        BinaryPrimitives.WriteDoubleLittleEndian(s[24..], p.Price);
    }

    private static LastPrint ReadLast(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadInt64LittleEndian(s),
        BinaryPrimitives.ReadDoubleLittleEndian(s[8..]),
        BinaryPrimitives.ReadDoubleLittleEndian(s[16..]),
        BinaryPrimitives.ReadDoubleLittleEndian(s[24..]));
}
