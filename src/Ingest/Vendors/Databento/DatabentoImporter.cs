using System.Buffers.Binary;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors.Databento;

/// <summary>
/// Turns DBN records into the app's events (docs/importing.md "Databento"): <c>definition</c> records name the
/// contracts behind instrument ids; <c>statistics</c> open interest becomes each underlying's chain baseline (one figure
/// per contract, however many venues report it); trades (<c>trades</c>, and the trade actions of <c>tbbo</c>,
/// <c>mbp-1</c>, <c>tcbbo</c>, <c>cmbp-1</c>) become trades with the quote the record carries; an equity dataset's
/// trades and quotes become spot prices. Nothing is guessed: a record whose instrument was never defined is skipped and
/// counted. Feed it files in the order <see cref="Order"/> gives, then call <see cref="Finish"/>. Not thread-safe.
/// </summary>
public sealed class DatabentoImporter(IVendorEventSink sink, VendorFilter filter) : IDisposable
{
    /// <summary>Contracts in one chain event; a wider chain is sent as parts with one <c>ts</c> (docs/api.md "Events").</summary>
    public const int ChainPart = 500;

    private readonly VendorEventWriter _writer = new();
    private readonly Dictionary<uint, VendorContract> _contracts = [];
    private readonly Dictionary<uint, (long Oi, long TsEvent)> _openInterest = [];
    private readonly Dictionary<string, long> _spotSecond = new(StringComparer.Ordinal);

    public VendorTally Tally { get; } = new();

    /// <summary>Definitions first, then statistics, then the rest: a print needs its contract, a day its baseline first.</summary>
    public static int Order(DbnMetadata metadata) => metadata.Schema switch
    {
        9 => 0,
        10 => 1,
        _ => 2,
    };

    /// <summary>Reads every record of <paramref name="reader"/>; throws <see cref="VendorFormatException"/> for a schema not read or a bad record.</summary>
    public void Import(DbnReader reader)
    {
        Begin(reader);
        while (reader.Next(out var record))
        {
            Read(reader, record);
        }
    }

    /// <summary>Checks a file's schema before its first record is read; refuses the schemas that hold no prints.</summary>
    public static void Begin(DbnReader reader)
    {
        if (DbnLayout.Refusal(reader.Metadata.Schema) is { } refusal)
        {
            throw new VendorFormatException($"{reader.Name}: {refusal}.");
        }
    }

    /// <summary>One record of <paramref name="reader"/> (its last from <see cref="DbnReader.Next"/>), into zero or more events.</summary>
    public void Read(DbnReader reader, ReadOnlySpan<byte> record)
    {
        Tally.Records++;
        Read(reader, reader.Metadata, record);
    }

    /// <summary>Sends the open interest still held as chains (at the end of the files, or before the first print).</summary>
    public void Finish() => FlushChains();

    public void Dispose() => _writer.Dispose();

    private void Read(DbnReader reader, DbnMetadata metadata, ReadOnlySpan<byte> r)
    {
        var rtype = r[1];
        var instrument = BinaryPrimitives.ReadUInt32LittleEndian(r[4..]);
        var tsEvent = (long)BinaryPrimitives.ReadUInt64LittleEndian(r[8..]);
        switch (rtype)
        {
            case DbnLayout.InstrumentDef:
                Define(reader, metadata.Version, instrument, r);
                return;
            case DbnLayout.Statistics:
                OpenInterest(metadata.Version, instrument, tsEvent, r);
                return;
            case DbnLayout.Mbp0 or DbnLayout.Mbp1 or DbnLayout.Cmbp1 or DbnLayout.Tcbbo:
                break;
            default:
                Tally.Skip($"record type 0x{rtype:X2} (not a print, definition or statistic)");
                return;
        }

        var isTrade = r[DbnLayout.TradeAction] == 'T';
        var quoted = rtype != DbnLayout.Mbp0;
        if (!metadata.IsOptions)
        {
            Spot(metadata, instrument, tsEvent, r, isTrade, quoted);
            return;
        }

        if (!isTrade)
        {
            Tally.Skip("quote update (not a print)");
            return;
        }

        if (!_contracts.TryGetValue(instrument, out var contract))
        {
            Tally.Skip("print of an instrument id no definition record named");
            return;
        }

        if (!filter.Keeps(contract.Underlying, tsEvent))
        {
            Tally.Skip("outside --from/--until/--symbols");
            return;
        }

        FlushChains();
        var price = new Fixed(BinaryPrimitives.ReadInt64LittleEndian(r[DbnLayout.TradePrice..]), DbnLayout.PriceScale);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(r[DbnLayout.TradeSize..]);
        var side = r[DbnLayout.TradeSide] switch
        {
            (byte)'B' => SideHint.Buy,
            (byte)'A' => SideHint.Sell,
            _ => SideHint.None,
        };
        Span<byte> id = stackalloc byte[16];
        PrintId(r, id);
        var json = _writer.Trade(tsEvent, contract, price, size, quoted ? Price(r, DbnLayout.LevelBid) : null, quoted ? Price(r, DbnLayout.LevelAsk) : null, side, TradeConditions.None, id);
        Emit(json, contract.Underlying, tsEvent);
    }

    private void Define(DbnReader reader, int version, uint instrument, ReadOnlySpan<byte> r)
    {
        var layout = DbnLayout.DefinitionOf(version);
        var instrumentClass = (char)r[layout.InstrumentClass];
        if (instrumentClass is not ('C' or 'P'))
        {
            Tally.Skip("definition of an instrument that is not a call or put");
            return;
        }

        var raw = Text(r.Slice(layout.RawSymbol, layout.SymbolLength));
        if (!OccSymbol.TryParse(raw, out var root, out var key, out var error))
        {
            throw reader.Bad($"instrument {instrument}'s raw symbol \"{raw}\" is not an OCC option symbol ({error})");
        }

        var strike = BinaryPrimitives.ReadInt64LittleEndian(r[layout.StrikePrice..]);
        var right = instrumentClass == 'C' ? OptionRight.Call : OptionRight.Put;
        if (key.Right != right || (strike != DbnLayout.UndefinedPrice && strike != key.StrikeMilli * 1_000_000L))
        {
            throw reader.Bad($"instrument {instrument}'s raw symbol \"{raw}\" disagrees with its class '{instrumentClass}' or strike {new Fixed(strike, DbnLayout.PriceScale).Value}");
        }

        var underlying = Text(r.Slice(layout.Underlying, 21));
        if (underlying.Length == 0)
        {
            underlying = root.ToString();
        }

        if (!filter.KeepsSymbol(underlying))
        {
            Tally.Skip("outside --from/--until/--symbols");
            return;
        }

        _contracts[instrument] = new VendorContract(underlying, OccSymbol.Format(root.ToString(), key).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    private void OpenInterest(int version, uint instrument, long tsEvent, ReadOnlySpan<byte> r)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(r[DbnLayout.StatType(version)..]) != DbnLayout.OpenInterestStat)
        {
            Tally.Skip("statistic other than open interest");
            return;
        }

        var quantity = version >= 3 ? BinaryPrimitives.ReadInt64LittleEndian(r[DbnLayout.StatQuantity..]) : BinaryPrimitives.ReadInt32LittleEndian(r[DbnLayout.StatQuantity..]);
        if (quantity == (version >= 3 ? long.MaxValue : int.MaxValue) || quantity < 0)
        {
            Tally.Skip("open interest with no quantity");
            return;
        }

        if (!_contracts.ContainsKey(instrument))
        {
            Tally.Skip("statistic of an instrument id no definition record named");
            return;
        }

        // Several venues report one contract's figure: the latest report stands, never a sum.
        _openInterest[instrument] = (quantity, _openInterest.TryGetValue(instrument, out var held) ? Math.Min(held.TsEvent, tsEvent) : tsEvent);
    }

    private void Spot(DbnMetadata metadata, uint instrument, long tsEvent, ReadOnlySpan<byte> r, bool isTrade, bool quoted)
    {
        var symbol = metadata.SymbolOf(instrument, Date(tsEvent));
        if (symbol is null)
        {
            Tally.Skip("equity record of an instrument id the file's symbology does not name");
            return;
        }

        if (!filter.Keeps(symbol, tsEvent))
        {
            Tally.Skip("outside --from/--until/--symbols");
            return;
        }

        Fixed price;
        if (isTrade)
        {
            price = new Fixed(BinaryPrimitives.ReadInt64LittleEndian(r[DbnLayout.TradePrice..]), DbnLayout.PriceScale);
        }
        else if (quoted && Price(r, DbnLayout.LevelBid) is { } bid && Price(r, DbnLayout.LevelAsk) is { } ask)
        {
            price = new Fixed((bid.Units + ask.Units) * 5, DbnLayout.PriceScale + 1); // the mid, exactly
        }
        else
        {
            Tally.Skip("equity quote without both sides");
            return;
        }

        // One spot a second per name is all the app uses (the last known price at each print).
        var second = tsEvent / 1_000_000_000L;
        if (_spotSecond.TryGetValue(symbol, out var last) && last == second)
        {
            Tally.Skip("equity price within a second already sent");
            return;
        }

        _spotSecond[symbol] = second;
        Emit(_writer.Spot(tsEvent, symbol, price), symbol, tsEvent);
    }

    private void FlushChains()
    {
        if (_openInterest.Count == 0)
        {
            return;
        }

        foreach (var group in _openInterest.GroupBy(o => _contracts[o.Key].Underlying, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ts = group.Min(o => o.Value.TsEvent);
            var contracts = group.Select(o => new VendorChainContract(_contracts[o.Key].Contract, o.Value.Oi)).OrderBy(c => c.Contract, StringComparer.Ordinal).ToList();
            for (var start = 0; start < contracts.Count; start += ChainPart)
            {
                Emit(_writer.Chain(ts, group.Key, null, contracts, start, Math.Min(ChainPart, contracts.Count - start)), group.Key, ts);
            }
        }

        _openInterest.Clear();
    }

    private void Emit(ReadOnlySpan<byte> json, string underlying, long tsNanos)
    {
        Tally.Events++;
        sink.Event(json, underlying, tsNanos);
    }

    private static Fixed? Price(ReadOnlySpan<byte> r, int offset)
    {
        var units = BinaryPrimitives.ReadInt64LittleEndian(r[offset..]);
        return units == DbnLayout.UndefinedPrice ? null : new Fixed(units, DbnLayout.PriceScale);
    }

    /// <summary>
    /// The print's id from its own fields (venue, instrument, exchange and receive times, price, size), the same on every
    /// run and in every schema that carries the print (the sequence number is left out: the consolidated schemas have
    /// none), as the 16 hex digits of a 64-bit hash (docs/importing.md "Ids").
    /// </summary>
    private static void PrintId(ReadOnlySpan<byte> r, Span<byte> id)
    {
        // Five little-endian words, each mixed in with a multiply and a rotation (the murmur finaliser at the end).
        var hash = 0x9E3779B97F4A7C15UL;
        Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(r) >> 16);                  // publisher, instrument
        Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(r[8..]));                   // ts_event
        Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(r[DbnLayout.TradePrice..])); // price
        Mix(ref hash, BinaryPrimitives.ReadUInt32LittleEndian(r[DbnLayout.TradeSize..]));  // size
        Mix(ref hash, BinaryPrimitives.ReadUInt64LittleEndian(r[DbnLayout.TradeTsRecv..])); // ts_recv
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        hash.TryFormat(id, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);

        static void Mix(ref ulong hash, ulong word) => hash = System.Numerics.BitOperations.RotateLeft((hash ^ word) * 0xC2B2AE3D27D4EB4FUL, 31);
    }

    private static int Date(long tsNanos)
    {
        var d = DateTime.UnixEpoch.AddTicks(tsNanos / 100);
        return (d.Year * 10_000) + (d.Month * 100) + d.Day;
    }

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]).Trim();
    }
}
