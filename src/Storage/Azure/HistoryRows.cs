using System.Buffers.Binary;
using System.IO.Compression;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// What the Azure store keeps beyond its aggregates so that a read can be answered as of a past instant (docs/storage.md
/// "History"), besides the ledger rows it already keeps for cancels:
/// <list type="bullet">
/// <item>quote cells <c>q00</c>..<c>q59</c> of the symbol's minute rows (<see cref="FlowRows.MinuteRow"/>): every spot a
/// spot event or a chain gave the symbol in that minute, as (price, UTC ticks) pairs in the order they came;</item>
/// <item>chain-event rows <c>k|{SYM}|{yyyyMMdd}|{lane}|{tag}|{part}</c> in the symbol's partition, cell <c>k</c>: one
/// batch's chain events of the symbol and trading date, whole (in parts of at most <see cref="ChainRowContracts"/>
/// contracts), so a chain can be rebuilt from the events stamped by an instant. They go in the batch's own
/// entity-group transactions, so they cost no request of their own.</item>
/// </list>
/// Both are kept as long as the retention keeps their trading date. Little-endian, one leading version byte. Pure.
/// </summary>
internal static class HistoryRows
{
    private const byte Version = 1;
    private const byte CompressedVersion = 2;
    private const int QuoteSize = 16;
    private const int ContractSize = 4 + 4 + 1 + 8 + (3 * 8);

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

    /// <summary>Contracts one chain-event row holds at most (41 bytes each: a row stays far inside an entity's 1 MiB).</summary>
    public const int ChainRowContracts = 8_000;

    public const string ChainEventsCell = "k";

    /// <summary>The row of one batch's chain events of a symbol and trading date (<paramref name="part"/> past the first <see cref="ChainRowContracts"/> contracts).</summary>
    public static string ChainEventsRow(string symbol, DateOnly tradingDate, string lane, ulong tag, int part) =>
        $"k|{symbol}|{FlowRows.DateKey(tradingDate)}|{lane}|{tag:x16}|{part:D4}";

    /// <summary>The row-key range [from, to) of a symbol's chain-event rows of one trading date.</summary>
    public static (string From, string To) ChainEventsRows(string symbol, DateOnly tradingDate) =>
        ($"k|{symbol}|{FlowRows.DateKey(tradingDate)}|", $"k|{symbol}|{FlowRows.DateKey(tradingDate)}}}");

    /// <summary>
    /// One batch's chain events of a symbol and date as row cells, in parts of at most <see cref="ChainRowContracts"/>
    /// contracts: each part holds slices of events, each slice with its event's index in the batch, so a read puts an
    /// event split over parts back together (<see cref="JoinChainEvents"/>).
    /// </summary>
    public static List<byte[]> EncodeChainEventParts(IReadOnlyList<ChainEvent> events)
    {
        var parts = new List<byte[]>();
        var slices = new List<(int Index, ChainEvent Event, int From, int Count)>();
        var held = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var from = 0;
            do
            {
                var count = Math.Min(e.Contracts.Count - from, ChainRowContracts - held);
                slices.Add((i, e, from, count));
                (from, held) = (from + count, held + count);
                if (held == ChainRowContracts)
                {
                    parts.Add(EncodeSlices(slices));
                    (slices, held) = ([], 0);
                }
            }
            while (from < e.Contracts.Count);
        }

        if (slices.Count > 0 || parts.Count == 0)
        {
            parts.Add(EncodeSlices(slices));
        }

        return parts;
    }

    /// <summary>The events of a batch's parts (each part's slices in order), whole again.</summary>
    public static List<ChainEvent> JoinChainEvents(string symbol, IEnumerable<byte[]> parts)
    {
        var byIndex = new SortedDictionary<int, (DateTimeOffset Timestamp, double Spot, List<ChainContract> Contracts)>();
        foreach (var part in parts)
        {
            foreach (var (index, e) in DecodeSlices(symbol, Decompress(part)))
            {
                if (byIndex.TryGetValue(index, out var held))
                {
                    held.Contracts.AddRange(e.Contracts);
                }
                else
                {
                    byIndex[index] = (e.Timestamp, e.Spot, [.. e.Contracts]);
                }
            }
        }

        return byIndex.Values.Select(e => new ChainEvent(e.Timestamp, symbol, e.Spot, e.Contracts)).ToList();
    }

    /// <summary>A part as stored: <see cref="CompressedVersion"/>, then the slices' records Brotli-compressed (a chain's keys and quotes repeat a lot: about a fifth of the size).</summary>
    private static byte[] EncodeSlices(List<(int Index, ChainEvent Event, int From, int Count)> slices)
    {
        var raw = EncodeChainEvents(slices.Select(s => (s.Index, s.Event with { Contracts = [.. s.Event.Contracts.Skip(s.From).Take(s.Count)] })).ToArray());
        var compressed = new byte[1 + BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        compressed[0] = CompressedVersion;
        if (!BrotliEncoder.TryCompress(raw, compressed.AsSpan(1), out var written, quality: 4, window: 22))
        {
            throw new InvalidOperationException("A chain-event part did not compress into its bound.");
        }

        return compressed[..(1 + written)];
    }

    private static byte[] Decompress(byte[] part)
    {
        CheckVersion(part, "Chain-event", CompressedVersion, minLength: 1);
        using var input = new MemoryStream(part, 1, part.Length - 1, writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        brotli.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] EncodeChainEvents((int Index, ChainEvent Event)[] events)
    {
        var size = 5 + events.Sum(e => 4 + 8 + 8 + 4 + (e.Event.Contracts.Count * ContractSize));
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], events.Length);
        var at = 5;
        foreach (var (index, e) in events)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], index);
            at += 4;
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

    private static List<(int Index, ChainEvent Event)> DecodeSlices(string symbol, ReadOnlySpan<byte> bytes)
    {
        CheckVersion(bytes, "Chain events");
        var events = new List<(int, ChainEvent)>(BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]));
        var at = 5;
        for (var i = events.Capacity; i > 0; i--)
        {
            var index = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
            at += 4;
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

            events.Add((index, new ChainEvent(timestamp, symbol, spot, contracts)));
        }

        return events;
    }

    private static void CheckVersion(ReadOnlySpan<byte> bytes, string what, byte version = Version, int minLength = 5)
    {
        if (bytes.Length < minLength || bytes[0] != version)
        {
            throw new InvalidDataException($"{what} cell has format version {(bytes.Length == 0 ? -1 : bytes[0])}; this build reads version {version}.");
        }
    }
}
