using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage.Azure;

/// <summary>A cancel as the ledger keeps it: the print it took back, and the tag of the cancel that did.</summary>
internal readonly record struct Tombstone(TradeId Id, OptionKey Contract, ulong CancelTag);

/// <summary>
/// The cells of ledger rows (docs/storage.md, "Cancels"): <c>p</c>, the prints one batch folded into one symbol's
/// minute, as counted (<see cref="LedgerPrint"/>); <c>x</c>, the prints cancels took back. Little-endian, one leading
/// version byte, then a count and the records.
/// </summary>
internal static class LedgerCodec
{
    public const string PrintsCell = "p";
    public const string TombstonesCell = "x";

    private const byte Version = 1;

    public static byte[] EncodePrints(IReadOnlyList<LedgerPrint> prints) => Encode(prints, 112, static (w, p) =>
    {
        WriteId(w, p.Id);
        WriteContract(w, p.Contract);
        w.Write(p.TradingDate.DayNumber);
        w.Write((byte)p.Side);
        w.Write(p.BuyMilli);
        w.Write(p.Size);
        w.Write(p.PremiumCents);
        w.Write(p.DeltaCents);
        w.Write(p.GammaCents);
        w.Write((byte)((p.ZeroDte ? 1 : 0) | (p.SpotObserved ? 2 : 0)));
        w.Write(p.Print.Ticks);
        w.Write(p.Print.Spot);
        w.Write(p.Print.Iv);
        w.Write(p.Print.Price);
    });

    public static List<LedgerPrint> DecodePrints(byte[] cell) => Decode(cell, static r =>
    {
        var id = ReadId(r);
        var contract = ReadContract(r);
        var date = DateOnly.FromDayNumber(r.ReadInt32());
        var side = (AggressorSide)r.ReadByte();
        var buyMilli = r.ReadInt16();
        var size = r.ReadInt32();
        var (premium, delta, gamma) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        var flags = r.ReadByte();
        var last = new LastPrint(r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        return new LedgerPrint(id, contract, date, side, buyMilli, size, premium, delta, gamma, (flags & 1) != 0, (flags & 2) != 0, last);
    });

    public static byte[] EncodeTombstones(IReadOnlyList<Tombstone> tombstones) => Encode(tombstones, 32, static (w, t) =>
    {
        WriteId(w, t.Id);
        WriteContract(w, t.Contract);
        w.Write(t.CancelTag);
    });

    public static List<Tombstone> DecodeTombstones(byte[] cell) => Decode(cell, static r => new Tombstone(ReadId(r), ReadContract(r), r.ReadUInt64()));

    /// <summary>Two cells of one kind as one (a ledger row is written once per tag, so this only joins what a retry rewrote).</summary>
    public static byte[] Join(string cell, byte[] stored, byte[] delta) => cell == PrintsCell
        ? EncodePrints([.. DecodePrints(stored), .. DecodePrints(delta)])
        : EncodeTombstones([.. DecodeTombstones(stored), .. DecodeTombstones(delta)]);

    private static byte[] Encode<T>(IReadOnlyList<T> records, int sizeHint, Action<BinaryWriter, T> write)
    {
        using var stream = new MemoryStream((records.Count * sizeHint) + 5);
        using var w = new BinaryWriter(stream);
        w.Write(Version);
        w.Write(records.Count);
        foreach (var record in records)
        {
            write(w, record);
        }

        w.Flush();
        return stream.ToArray();
    }

    private static List<T> Decode<T>(byte[] cell, Func<BinaryReader, T> read)
    {
        if (cell.Length == 0 || cell[0] != Version)
        {
            throw new InvalidDataException($"Ledger cell has format version {(cell.Length == 0 ? -1 : cell[0])}; this build reads version {Version}.");
        }

        using var r = new BinaryReader(new MemoryStream(cell, writable: false));
        r.ReadByte();
        var count = r.ReadInt32();
        var records = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(read(r));
        }

        return records;
    }

    private static void WriteId(BinaryWriter w, TradeId id)
    {
        var bytes = Encoding.UTF8.GetBytes(id.ToString());
        w.Write(checked((ushort)bytes.Length));
        w.Write(bytes);
    }

    private static TradeId ReadId(BinaryReader r) => TradeId.From(Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16())));

    private static void WriteContract(BinaryWriter w, OptionKey key)
    {
        w.Write(key.Expiry.DayNumber);
        w.Write(key.StrikeMilli);
        w.Write((byte)key.Right);
    }

    private static OptionKey ReadContract(BinaryReader r) =>
        new(DateOnly.FromDayNumber(r.ReadInt32()), r.ReadInt32(), (OptionRight)r.ReadByte());
}
