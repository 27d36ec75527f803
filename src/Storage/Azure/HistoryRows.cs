using System.Buffers.Binary;
using System.Globalization;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// What the Azure store keeps beyond its aggregates so that a read can be answered as of a past instant (docs/storage.md
/// "History"), besides the ledger rows it already keeps for cancels:
/// <list type="bullet">
/// <item>quote rows <c>q|{SYM}|{yyyyMMddHH}</c> in the symbol's partition, cells <c>m00</c>..<c>m59</c>: every spot a
/// spot event or a chain gave the symbol in that minute, as (price, UTC ticks) pairs in the order they came;</item>
/// <item>chain event blobs <c>{yyyy-MM-dd}/{SYM}/events/{lane}-{tag}</c> beside the day's merged chain: one batch's
/// chain events of the symbol and trading date, whole, so a chain can be rebuilt from the events stamped by an
/// instant.</item>
/// </list>
/// Both are kept as long as the retention keeps their trading date. Little-endian, one leading version byte. Pure.
/// </summary>
internal static class HistoryRows
{
    private const byte Version = 1;
    private const int QuoteSize = 16;
    private const int ContractSize = 4 + 4 + 1 + 8 + (3 * 8);

    public static string QuoteRow(string symbol, long hour) => $"q|{symbol}|{FlowRows.HourKey(hour)}";

    /// <summary>The row-key range [from, to] of a symbol's quote rows of the hours first ≤ hour ≤ last.</summary>
    public static (string From, string To) QuoteRows(string symbol, long firstHour, long lastHour) => (QuoteRow(symbol, firstHour), QuoteRow(symbol, lastHour));

    public static byte[] EncodeQuotes(IReadOnlyList<SpotMark> marks)
    {
        var bytes = new byte[5 + (marks.Count * QuoteSize)];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), marks.Count);
        for (var i = 0; i < marks.Count; i++)
        {
            var span = bytes.AsSpan(5 + (i * QuoteSize));
            BinaryPrimitives.WriteDoubleLittleEndian(span, marks[i].Price);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], marks[i].Timestamp.UtcTicks);
        }

        return bytes;
    }

    public static List<SpotMark> DecodeQuotes(ReadOnlySpan<byte> cell)
    {
        CheckVersion(cell, "Quote");
        var count = BinaryPrimitives.ReadInt32LittleEndian(cell[1..]);
        var marks = new List<SpotMark>(count);
        for (var i = 0; i < count; i++)
        {
            var span = cell[(5 + (i * QuoteSize))..];
            marks.Add(new SpotMark(BinaryPrimitives.ReadDoubleLittleEndian(span), new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[8..]), TimeSpan.Zero)));
        }

        return marks;
    }

    /// <summary>A batch's quotes after those stored (the writer skips a row that already carries the batch's tag, so none repeats).</summary>
    public static byte[] JoinQuotes(byte[] stored, byte[] delta) => EncodeQuotes([.. DecodeQuotes(stored), .. DecodeQuotes(delta)]);

    /// <summary>The blob of one batch's chain events of a symbol and trading date.</summary>
    public static string ChainEventsBlob(string symbol, DateOnly tradingDate, string lane, ulong tag) =>
        $"{ChainEventsPrefix(symbol, tradingDate)}{lane}-{tag:x16}";

    public static string ChainEventsPrefix(string symbol, DateOnly tradingDate) =>
        $"{tradingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{symbol}/events/";

    public static byte[] EncodeChainEvents(IReadOnlyList<ChainEvent> events)
    {
        var size = 5 + events.Sum(e => 8 + 8 + 4 + (e.Contracts.Count * ContractSize));
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], events.Count);
        var at = 5;
        foreach (var e in events)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], e.Timestamp.UtcTicks);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 8)..], e.Spot);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 16)..], e.Contracts.Count);
            at += 20;
            foreach (var c in e.Contracts)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], c.Contract.Expiry.DayNumber);
                BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], c.Contract.StrikeMilli);
                span[at + 8] = (byte)c.Contract.Right;
                BinaryPrimitives.WriteInt64LittleEndian(span[(at + 9)..], c.OpenInterest);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 17)..], c.Iv);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 25)..], c.Bid);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 33)..], c.Ask);
                at += ContractSize;
            }
        }

        return bytes;
    }

    public static List<ChainEvent> DecodeChainEvents(string symbol, ReadOnlySpan<byte> bytes)
    {
        CheckVersion(bytes, "Chain events");
        var events = new List<ChainEvent>(BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]));
        var at = 5;
        for (var i = events.Capacity; i > 0; i--)
        {
            var timestamp = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]), TimeSpan.Zero);
            var spot = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 8)..]);
            var contracts = new ChainContract[BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 16)..])];
            at += 20;
            for (var c = 0; c < contracts.Length; c++, at += ContractSize)
            {
                var key = new OptionKey(
                    DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(bytes[at..])),
                    BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]),
                    (OptionRight)bytes[at + 8]);
                contracts[c] = new ChainContract(
                    key,
                    BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 9)..]),
                    BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 17)..]),
                    BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 25)..]),
                    BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 33)..]));
            }

            events.Add(new ChainEvent(timestamp, symbol, spot, contracts));
        }

        return events;
    }

    private static void CheckVersion(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length < 5 || bytes[0] != Version)
        {
            throw new InvalidDataException($"{what} cell has format version {(bytes.Length == 0 ? -1 : bytes[0])}; this build reads version {Version}.");
        }
    }
}
