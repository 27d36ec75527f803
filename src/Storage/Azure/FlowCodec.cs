using System.Buffers.Binary;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The binary cell formats of the Azure aggregate store (little-endian, fixed-width records, one leading version
/// byte). A cell is either one value or a map sorted by key: strikes (Int32 thousandths) or symbols (length-prefixed
/// ASCII). Every map cell merges additively, so the stored cell is always the sum of the deltas applied to it.
/// </summary>
internal static partial class FlowCodec
{
    public const byte Version = 1;

    /// <summary>
    /// Contract cells changed on 2026-12-02 (docs/storage.md, "Cell formats"): version 1 held the rule's confidence-weighted
    /// buy and sell volumes in half contracts, version 2 the expected signed volume, its decisiveness and its variance
    /// under the trade-sign model. Version 1 cells are still read, converted as the rule's weights would give.
    /// </summary>
    public const byte ContractsVersion = 2;

    /// <summary>
    /// Set on the version byte of a correction (docs/storage.md, "Cancels"): a cell whose sums add but whose latest
    /// print (or spot mark) replaces the one held, and whose entries left without prints are dropped
    /// (<see cref="FlowCells"/>). Only delta logs hold corrections; a merged cell never does.
    /// </summary>
    public const byte CorrectionFlag = 0x80;

    /// <summary>
    /// Set on the version byte of a wide cell (docs/storage.md, "Cell formats"): every sum of its records is an Int128
    /// (16 bytes) instead of an Int64. The aggregates' sums are Int128 (docs/api.md "Event bounds"); a cell is written
    /// wide only when one of its sums does not fit an Int64, so the usual cell keeps its usual size.
    /// </summary>
    public const byte WideFlag = 0x40;

    private const byte Flags = CorrectionFlag | WideFlag;

    public const int TallySize = 88;
    public const int StrikeFlowSize = 56;
    public const int ContractFlowSize = TallySize + 24;
    private const int ContractFlowSizeV1 = TallySize + 16;
    public const int QuoteSize = 40;
    public const int SpotSize = 16;

    /// <summary>The sizes of the wide records: each Int64 sum becomes 16 bytes (the tally's print count stays 8).</summary>
    private const int WideTallySize = TallySize + (6 * 8);
    private const int WideStrikeFlowSize = StrikeFlowSize + (3 * 8);
    private const int WideContractFlowSize = WideTallySize + (3 * 16);

    public static byte[] EncodeTally(in FlowTally t)
    {
        var wide = !Fits(t);
        var bytes = new byte[1 + (wide ? WideTallySize : TallySize)];
        bytes[0] = (byte)(Version | (wide ? WideFlag : 0));
        WriteTally(bytes.AsSpan(1), t, wide);
        return bytes;
    }

    public static FlowTally DecodeTally(ReadOnlySpan<byte> cell) => cell.Length == 0 ? default : ReadTally(Body(cell), IsWide(cell));

    public static byte[] EncodeStrikes(IReadOnlyDictionary<int, StrikeMinuteFlow> cells)
    {
        var wide = cells.Values.Any(static f => !Fits(f.SignedDeltaCents) || !Fits(f.SignedGammaCents) || !Fits(f.Contracts));
        return EncodeIntMap(cells, wide ? WideStrikeFlowSize : StrikeFlowSize, wide, static (span, v, w) => WriteStrikeFlow(span, v, w));
    }

    public static Dictionary<int, StrikeMinuteFlow> DecodeStrikes(ReadOnlySpan<byte> cell) =>
        IsWide(cell)
            ? DecodeIntMap(cell, WideStrikeFlowSize, static span => ReadStrikeFlow(span, true))
            : DecodeIntMap(cell, StrikeFlowSize, static span => ReadStrikeFlow(span, false));

    public static byte[] EncodeContracts(IReadOnlyDictionary<int, ContractDayFlow> cells)
    {
        var wide = cells.Values.Any(static f => !Fits(f.Flow) || !Fits(f.SignedMilli) || !Fits(f.DecisiveMilli) || !Fits(f.SignVarianceMilli));
        return EncodeIntMap(cells, wide ? WideContractFlowSize : ContractFlowSize, wide, static (span, v, w) => WriteContractFlow(span, v, w), ContractsVersion);
    }

    public static Dictionary<int, ContractDayFlow> DecodeContracts(ReadOnlySpan<byte> cell) =>
        cell.Length > 0 && (cell[0] & ~Flags) == Version
            ? DecodeIntMap(cell, ContractFlowSizeV1, static span => ReadContractFlowV1(span))
            : IsWide(cell)
                ? DecodeIntMap(cell, WideContractFlowSize, static span => ReadContractFlow(span, true), ContractsVersion)
                : DecodeIntMap(cell, ContractFlowSize, static span => ReadContractFlow(span, false), ContractsVersion);

    public static byte[] EncodeTallies(IReadOnlyDictionary<string, FlowTally> cells)
    {
        var wide = cells.Values.Any(static t => !Fits(t));
        return EncodeSymbolMap(cells, wide ? WideTallySize : TallySize, wide, static (span, v, w) => WriteTally(span, v, w));
    }

    public static Dictionary<string, FlowTally> DecodeTallies(ReadOnlySpan<byte> cell) =>
        IsWide(cell)
            ? DecodeSymbolMap(cell, WideTallySize, static span => ReadTally(span, true))
            : DecodeSymbolMap(cell, TallySize, static span => ReadTally(span, false));

    public static byte[] EncodeSpots(IReadOnlyDictionary<string, SpotMark> cells) =>
        EncodeSymbolMap(cells, SpotSize, false, static (span, v, _) =>
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span, v.Price);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], v.Timestamp.UtcTicks);
        });

    public static Dictionary<string, SpotMark> DecodeSpots(ReadOnlySpan<byte> cell) =>
        DecodeSymbolMap(cell, SpotSize, static span => new SpotMark(
            BinaryPrimitives.ReadDoubleLittleEndian(span),
            new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[8..]), TimeSpan.Zero)));

    /// <summary>A whole chain: baseline time, spot and its time, then every contract with its quote.</summary>
    public static byte[] EncodeChain(SymbolChain chain)
    {
        const int Entry = 4 + 4 + 1 + QuoteSize;
        var bytes = new byte[1 + 8 + 8 + 8 + 4 + (chain.Contracts.Count * Entry)];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], chain.BaselineTimestamp.UtcTicks);
        BinaryPrimitives.WriteDoubleLittleEndian(span[9..], chain.Spot);
        BinaryPrimitives.WriteInt64LittleEndian(span[17..], chain.SpotTimestamp.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(span[25..], chain.Contracts.Count);
        var at = 29;
        foreach (var (key, quote) in chain.Contracts.OrderBy(c => c.Key))
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], key.Expiry.DayNumber);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], key.StrikeMilli);
            span[at + 8] = (byte)key.Right;
            WriteQuote(span[(at + 9)..], quote);
            at += Entry;
        }

        return bytes;
    }

    public static SymbolChain DecodeChain(string underlying, DateOnly tradingDate, ReadOnlySpan<byte> bytes)
    {
        const int Entry = 4 + 4 + 1 + QuoteSize;
        CheckVersion(bytes);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[25..]);
        var contracts = new KeyValuePair<OptionKey, ChainQuote>[count];
        var at = 29;
        for (var i = 0; i < count; i++, at += Entry)
        {
            var key = new OptionKey(
                DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(bytes[at..])),
                BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]),
                (OptionRight)bytes[at + 8]);
            contracts[i] = new(key, ReadQuote(bytes[(at + 9)..]));
        }

        return SymbolChain.Restore(
            underlying,
            tradingDate,
            new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]), TimeSpan.Zero),
            BinaryPrimitives.ReadDoubleLittleEndian(bytes[9..]),
            new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]), TimeSpan.Zero),
            contracts);
    }

    private static byte[] EncodeIntMap<T>(IReadOnlyDictionary<int, T> map, int size, bool wide, SpanWriter<T> write, byte version = Version)
    {
        var keys = map.Keys.ToArray();
        Array.Sort(keys);
        var bytes = new byte[1 + 4 + (keys.Length * (4 + size))];
        bytes[0] = (byte)(version | (wide ? WideFlag : 0));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), keys.Length);
        var at = 5;
        foreach (var key in keys)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), key);
            write(bytes.AsSpan(at + 4, size), map[key], wide);
            at += 4 + size;
        }

        return bytes;
    }

    private static Dictionary<int, T> DecodeIntMap<T>(ReadOnlySpan<byte> cell, int size, SpanReader<T> read, byte version = Version)
    {
        if (cell.Length == 0)
        {
            return [];
        }

        var body = Body(cell, version);
        var count = BinaryPrimitives.ReadInt32LittleEndian(body);
        var map = new Dictionary<int, T>(count);
        var at = 4;
        for (var i = 0; i < count; i++, at += 4 + size)
        {
            map[BinaryPrimitives.ReadInt32LittleEndian(body[at..])] = read(body.Slice(at + 4, size));
        }

        return map;
    }

    private static byte[] EncodeSymbolMap<T>(IReadOnlyDictionary<string, T> map, int size, bool wide, SpanWriter<T> write)
    {
        var keys = map.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var length = 1 + 4;
        foreach (var key in keys)
        {
            length += 1 + key.Length + size;
        }

        var bytes = new byte[length];
        bytes[0] = (byte)(Version | (wide ? WideFlag : 0));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), keys.Length);
        var at = 5;
        foreach (var key in keys)
        {
            bytes[at] = checked((byte)key.Length);
            Encoding.ASCII.GetBytes(key, bytes.AsSpan(at + 1));
            at += 1 + key.Length;
            write(bytes.AsSpan(at, size), map[key], wide);
            at += size;
        }

        return bytes;
    }

    private static Dictionary<string, T> DecodeSymbolMap<T>(ReadOnlySpan<byte> cell, int size, SpanReader<T> read)
    {
        if (cell.Length == 0)
        {
            return new(StringComparer.Ordinal);
        }

        var body = Body(cell);
        var count = BinaryPrimitives.ReadInt32LittleEndian(body);
        var map = new Dictionary<string, T>(count, StringComparer.Ordinal);
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var length = body[at];
            var key = Encoding.ASCII.GetString(body.Slice(at + 1, length));
            at += 1 + length;
            map[key] = read(body.Slice(at, size));
            at += size;
        }

        return map;
    }

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> cell, byte version = Version)
    {
        CheckVersion(cell, version);
        return cell[1..];
    }

    /// <summary>Whether a cell is a correction (<see cref="CorrectionFlag"/>).</summary>
    public static bool IsCorrection(ReadOnlySpan<byte> cell) => cell.Length > 0 && (cell[0] & CorrectionFlag) != 0;

    /// <summary>Whether a cell's sums are Int128 (<see cref="WideFlag"/>).</summary>
    private static bool IsWide(ReadOnlySpan<byte> cell) => cell.Length > 0 && (cell[0] & WideFlag) != 0;

    private static bool Fits(Int128 value) => value >= long.MinValue && value <= long.MaxValue;

    private static bool Fits(in FlowTally t) =>
        Fits(t.BuyVolume) && Fits(t.SellVolume) && Fits(t.MidVolume) && Fits(t.BuyPremiumCents) && Fits(t.SellPremiumCents) && Fits(t.MidPremiumCents);

    /// <summary>The cell marked as a correction (in place).</summary>
    public static byte[] AsCorrection(byte[] cell)
    {
        cell[0] |= CorrectionFlag;
        return cell;
    }

    /// <summary>A spot map entry that says "no spot": a correction's way of taking a symbol's spot back to none.</summary>
    public static SpotMark NoSpot { get; } = new(double.NaN, DateTimeOffset.UnixEpoch);

    public static bool IsNoSpot(in SpotMark mark) => !(mark.Price > 0);

    private static void CheckVersion(ReadOnlySpan<byte> cell, byte version = Version)
    {
        if ((cell[0] & ~Flags) != version)
        {
            throw new InvalidDataException($"Stored cell has format version {cell[0] & ~Flags}; this build reads version {version}.");
        }
    }

    private delegate void SpanWriter<T>(Span<byte> span, T value, bool wide);

    private delegate T SpanReader<T>(ReadOnlySpan<byte> span);
}
