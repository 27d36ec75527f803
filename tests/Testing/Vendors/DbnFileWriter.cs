using System.Buffers.Binary;
using System.Text;

namespace FlowFunctions.Testing.Vendors;

/// <summary>
/// Writes DBN files for tests, from the public struct definitions of the <c>databento/dbn</c> repository (v1 compat.rs,
/// v2 compat.rs, v3 record.rs), field by field in declaration order with C alignment. It shares no code or offsets with
/// the reader in src/Ingest/Vendors/Databento, so a wrong offset there shows as a wrong value here.
/// </summary>
public sealed class DbnFileWriter(int version, string dataset, ushort schema)
{
    public const ushort Trades = 4, Tbbo = 3, Mbp1 = 1, Definition = 9, Statistics = 10, Cmbp1 = 14, Tcbbo = 17, Cbbo1S = 15, Ohlcv1M = 6, Mixed = 0xFFFF;
    public const long Undefined = long.MaxValue;

    private const string Header = "length:u8 rtype:u8 publisher_id:u16 instrument_id:u32 ts_event:u64";
    private const string Trade = Header + " price:i64 size:u32 action:c_char side:c_char flags:u8 depth:u8 ts_recv:u64 ts_in_delta:i32 sequence:u32";
    private const string Level = " bid_px:i64 ask_px:i64 bid_sz:u32 ask_sz:u32 bid_ct:u32 ask_ct:u32";
    private const string ConsolidatedTrade = Header + " price:i64 size:u32 action:c_char side:c_char flags:u8 _r1:u8 ts_recv:u64 ts_in_delta:i32 _r2:u8*4 bid_px:i64 ask_px:i64 bid_sz:u32 ask_sz:u32 bid_pb:u16 _r3:u8*2 ask_pb:u16 _r4:u8*2";
    private const string StatV1 = Header + " ts_recv:u64 ts_ref:u64 price:i64 quantity:i32 sequence:u32 ts_in_delta:i32 stat_type:u16 channel_id:u16 update_action:u8 stat_flags:u8 _reserved:u8*6";
    private const string StatV3 = Header + " ts_recv:u64 ts_ref:u64 price:i64 quantity:i64 sequence:u32 ts_in_delta:i32 stat_type:u16 channel_id:u16 update_action:u8 stat_flags:u8 _reserved:u8*18";

    private const string DefinitionV1 = Header + " ts_recv:u64 min_price_increment:i64 display_factor:i64 expiration:u64 activation:u64 high_limit_price:i64 low_limit_price:i64 max_price_variation:i64 trading_reference_price:i64 unit_of_measure_qty:i64 min_price_increment_amount:i64 price_ratio:i64 inst_attrib_value:i32 underlying_id:u32 raw_instrument_id:u32 market_depth_implied:i32 market_depth:i32 market_segment_id:u32 max_trade_vol:u32 min_lot_size:i32 min_lot_size_block:i32 min_lot_size_round_lot:i32 min_trade_vol:u32 _reserved2:u8*4 contract_multiplier:i32 decay_quantity:i32 original_contract_size:i32 _reserved3:u8*4 trading_reference_date:u16 appl_id:i16 maturity_year:u16 decay_start_date:u16 channel_id:u16 currency:c_char*4 settl_currency:c_char*4 secsubtype:c_char*6 raw_symbol:c_char*22 group:c_char*21 exchange:c_char*5 asset:c_char*7 cfi:c_char*7 security_type:c_char*7 unit_of_measure:c_char*31 underlying:c_char*21 strike_price_currency:c_char*4 instrument_class:c_char _reserved4:u8*2 strike_price:i64 _reserved5:u8*6 match_algorithm:c_char md_security_trading_status:u8 main_fraction:u8 price_display_format:u8 settl_price_type:u8 sub_fraction:u8 underlying_product:u8 security_update_action:c_char maturity_month:u8 maturity_day:u8 maturity_week:u8 user_defined_instrument:c_char contract_multiplier_unit:i8 flow_schedule_type:i8 tick_rule:u8 _dummy:u8*3";
    private const string DefinitionV2 = Header + " ts_recv:u64 min_price_increment:i64 display_factor:i64 expiration:u64 activation:u64 high_limit_price:i64 low_limit_price:i64 max_price_variation:i64 trading_reference_price:i64 unit_of_measure_qty:i64 min_price_increment_amount:i64 price_ratio:i64 strike_price:i64 inst_attrib_value:i32 underlying_id:u32 raw_instrument_id:u32 market_depth_implied:i32 market_depth:i32 market_segment_id:u32 max_trade_vol:u32 min_lot_size:i32 min_lot_size_block:i32 min_lot_size_round_lot:i32 min_trade_vol:u32 contract_multiplier:i32 decay_quantity:i32 original_contract_size:i32 trading_reference_date:u16 appl_id:i16 maturity_year:u16 decay_start_date:u16 channel_id:u16 currency:c_char*4 settl_currency:c_char*4 secsubtype:c_char*6 raw_symbol:c_char*71 group:c_char*21 exchange:c_char*5 asset:c_char*7 cfi:c_char*7 security_type:c_char*7 unit_of_measure:c_char*31 underlying:c_char*21 strike_price_currency:c_char*4 instrument_class:c_char match_algorithm:c_char md_security_trading_status:u8 main_fraction:u8 price_display_format:u8 settl_price_type:u8 sub_fraction:u8 underlying_product:u8 security_update_action:c_char maturity_month:u8 maturity_day:u8 maturity_week:u8 user_defined_instrument:c_char contract_multiplier_unit:i8 flow_schedule_type:i8 tick_rule:u8 _reserved:u8*10";
    private const string DefinitionV3 = Header + " ts_recv:u64 min_price_increment:i64 display_factor:i64 expiration:u64 activation:u64 high_limit_price:i64 low_limit_price:i64 max_price_variation:i64 unit_of_measure_qty:i64 min_price_increment_amount:i64 price_ratio:i64 strike_price:i64 raw_instrument_id:u64 leg_price:i64 leg_delta:i64 inst_attrib_value:i32 underlying_id:u32 market_depth_implied:i32 market_depth:i32 market_segment_id:u32 max_trade_vol:u32 min_lot_size:i32 min_lot_size_block:i32 min_lot_size_round_lot:i32 min_trade_vol:u32 contract_multiplier:i32 decay_quantity:i32 original_contract_size:i32 leg_instrument_id:u32 leg_ratio_price_numerator:i32 leg_ratio_price_denominator:i32 leg_ratio_qty_numerator:i32 leg_ratio_qty_denominator:i32 leg_underlying_id:u32 appl_id:i16 maturity_year:u16 decay_start_date:u16 channel_id:u16 leg_count:u16 leg_index:u16 currency:c_char*4 settl_currency:c_char*4 secsubtype:c_char*6 raw_symbol:c_char*71 group:c_char*21 exchange:c_char*5 asset:c_char*11 cfi:c_char*7 security_type:c_char*7 unit_of_measure:c_char*31 underlying:c_char*21 strike_price_currency:c_char*4 leg_raw_symbol:c_char*71 instrument_class:c_char match_algorithm:c_char main_fraction:u8 price_display_format:u8 sub_fraction:u8 underlying_product:u8 security_update_action:c_char maturity_month:u8 maturity_day:u8 maturity_week:u8 user_defined_instrument:c_char contract_multiplier_unit:i8 flow_schedule_type:i8 tick_rule:u8 leg_instrument_class:c_char leg_side:c_char _reserved:u8*17";

    private readonly MemoryStream _records = new();
    private readonly List<(string Symbol, uint Id, int Start, int End)> _mappings = [];

    /// <summary>Symbology: <paramref name="symbol"/> is instrument <paramref name="id"/> from <paramref name="start"/> to <paramref name="end"/> (yyyymmdd).</summary>
    public DbnFileWriter Map(string symbol, uint id, int start, int end)
    {
        _mappings.Add((symbol, id, start, end));
        return this;
    }

    public DbnFileWriter Define(uint id, long tsEvent, string rawSymbol, char instrumentClass, long strike9, string underlying, long expiration = 0)
    {
        var s = new Struct(version == 1 ? DefinitionV1 : version == 2 ? DefinitionV2 : DefinitionV3);
        Head(s, 0x13, id, tsEvent);
        s.Set("raw_symbol", rawSymbol).Set("instrument_class", instrumentClass).Set("strike_price", strike9).Set("underlying", underlying).Set("expiration", expiration)
            .Set("ts_recv", tsEvent + 1000).Set("security_type", "OOF");
        return Add(s);
    }

    public DbnFileWriter OpenInterest(uint id, long tsEvent, long quantity, ushort publisher = 1, ushort statType = 9)
    {
        var s = new Struct(version >= 3 ? StatV3 : StatV1);
        Head(s, 0x18, id, tsEvent, publisher);
        s.Set("quantity", quantity).Set("stat_type", statType).Set("ts_recv", tsEvent + 500).Set("price", Undefined);
        return Add(s);
    }

    /// <summary>A trade-like record: rtype 0x00 (trades), 0x01 (tbbo, mbp-1), 0xB1 (cmbp-1) or 0xC2 (tcbbo).</summary>
    public DbnFileWriter Print(byte rtype, uint id, long tsEvent, long price9, uint size, char action = 'T', char side = 'N', long bid9 = Undefined, long ask9 = Undefined, uint sequence = 1, ushort publisher = 1)
    {
        var s = new Struct(rtype == 0x00 ? Trade : rtype == 0x01 ? Trade + Level : ConsolidatedTrade);
        Head(s, rtype, id, tsEvent, publisher);
        s.Set("price", price9).Set("size", size).Set("action", action).Set("side", side).Set("ts_recv", tsEvent + 2000);
        if (rtype is 0x00 or 0x01)
        {
            s.Set("sequence", sequence); // the consolidated records (0xB1, 0xC2) have no sequence number
        }

        if (rtype != 0x00)
        {
            s.Set("bid_px", bid9).Set("ask_px", ask9).Set("bid_sz", 5).Set("ask_sz", 7);
        }

        return Add(s);
    }

    /// <summary>A record of any type with only its header filled, <paramref name="length"/> bytes long.</summary>
    public DbnFileWriter Raw(byte rtype, uint id, long tsEvent, int length)
    {
        var bytes = new byte[length];
        bytes[0] = (byte)(length / 4);
        bytes[1] = rtype;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), id);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), tsEvent);
        _records.Write(bytes);
        return this;
    }

    /// <summary>The whole file: prelude, metadata, records; zstd-compressed when <paramref name="zstd"/>.</summary>
    public byte[] ToArray(bool zstd = false)
    {
        var symbolLength = version == 1 ? 22 : 71;
        var m = new MemoryStream();
        var w = new BinaryWriter(m);
        w.Write(Fixed(dataset, 16));
        w.Write(schema);
        w.Write(0UL); // start
        w.Write(ulong.MaxValue); // end
        w.Write(0UL); // limit
        if (version == 1)
        {
            w.Write(0UL); // record_count
        }

        w.Write((byte)0xFF); // stype_in
        w.Write((byte)7);    // stype_out: instrument id
        w.Write((byte)0);    // ts_out
        if (version > 1)
        {
            w.Write((ushort)symbolLength);
        }

        w.Write(new byte[version == 1 ? 47 : 53]);
        w.Write(0U); // schema definition length
        var symbols = _mappings.Select(x => x.Symbol).Distinct().ToList();
        w.Write((uint)symbols.Count);
        foreach (var s in symbols)
        {
            w.Write(Fixed(s, symbolLength));
        }

        w.Write(0U); // partial
        w.Write(0U); // not found
        w.Write((uint)symbols.Count);
        foreach (var s in symbols)
        {
            w.Write(Fixed(s, symbolLength));
            var intervals = _mappings.Where(x => x.Symbol == s).ToList();
            w.Write((uint)intervals.Count);
            foreach (var i in intervals)
            {
                w.Write((uint)i.Start);
                w.Write((uint)i.End);
                w.Write(Fixed(i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), symbolLength));
            }
        }

        var file = new MemoryStream();
        file.Write("DBN"u8);
        file.WriteByte((byte)version);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)m.Length);
        file.Write(length);
        file.Write(m.ToArray());
        file.Write(_records.ToArray());
        if (!zstd)
        {
            return file.ToArray();
        }

        var compressed = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(compressed))
        {
            z.Write(file.ToArray());
        }

        return compressed.ToArray();
    }

    private static void Head(Struct s, byte rtype, uint id, long tsEvent, ushort publisher = 1) =>
        s.Set("length", s.Size / 4).Set("rtype", rtype).Set("publisher_id", publisher).Set("instrument_id", id).Set("ts_event", tsEvent);

    private DbnFileWriter Add(Struct s)
    {
        _records.Write(s.Bytes);
        return this;
    }

    private static byte[] Fixed(string text, int length)
    {
        var bytes = new byte[length];
        Encoding.ASCII.GetBytes(text).CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>A C struct from "name:type[*count]" fields in declaration order, each at its natural alignment.</summary>
    private sealed class Struct
    {
        private readonly Dictionary<string, (int Offset, int Size)> _fields = [];

        public Struct(string layout)
        {
            var offset = 0;
            var align = 1;
            foreach (var field in layout.Split(' '))
            {
                var (name, type) = (field.Split(':')[0], field.Split(':')[1]);
                var count = type.Contains('*', StringComparison.Ordinal) ? int.Parse(type.Split('*')[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
                var size = type.Split('*')[0] switch
                {
                    "u8" or "i8" or "c_char" => 1,
                    "u16" or "i16" => 2,
                    "u32" or "i32" => 4,
                    _ => 8,
                };
                offset = (offset + size - 1) / size * size;
                align = Math.Max(align, size);
                _fields[name] = (offset, size * count);
                offset += size * count;
            }

            Size = (offset + align - 1) / align * align;
            Bytes = new byte[Size];
        }

        public int Size { get; }

        public byte[] Bytes { get; }

        public Struct Set(string name, long value)
        {
            var (offset, size) = _fields[name];
            var span = Bytes.AsSpan(offset, size);
            switch (size)
            {
                case 1: span[0] = (byte)value; break;
                case 2: BinaryPrimitives.WriteInt16LittleEndian(span, (short)value); break;
                case 4: BinaryPrimitives.WriteInt32LittleEndian(span, (int)value); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(span, value); break;
            }

            return this;
        }

        public Struct Set(string name, char value) => Set(name, (long)value);

        public Struct Set(string name, string value)
        {
            var (offset, size) = _fields[name];
            Bytes.AsSpan(offset, size).Clear();
            Encoding.ASCII.GetBytes(value).CopyTo(Bytes.AsSpan(offset, size));
            return this;
        }
    }
}
