namespace FlowFunctions.Ingest.Vendors.Databento;

/// <summary>
/// Databento Binary Encoding (DBN) versions 1–3, as the public <c>databento/dbn</c> repository lays it out (docs/importing.md
/// "Databento"): the byte offsets of every field this app reads, all little-endian. Records start with a 16-byte header
/// (length in 4-byte words, record type, publisher id, instrument id, ts_event); prices are signed 64-bit integers in
/// units of 10^-9 with <see cref="UndefinedPrice"/> for none.
/// </summary>
public static class DbnLayout
{
    public const int PreludeLength = 8;          // "DBN", version, u32 metadata length
    public const int MetadataFixedLength = 100;  // dataset .. reserved, the same total in every version
    public const int DatasetLength = 16;
    public const int HeaderLength = 16;
    public const int PriceScale = 9;
    public const long UndefinedPrice = long.MaxValue;
    public const ushort NoSchema = ushort.MaxValue;   // a file of mixed schemas
    public const ushort OpenInterestStat = 9;         // StatType::OpenInterest
    public const int V1SymbolLength = 22;

    // Record types (rtype).
    public const byte Mbp0 = 0x00;       // trades
    public const byte Mbp1 = 0x01;       // mbp-1 and tbbo
    public const byte Mbp10 = 0x0A;
    public const byte Status = 0x12;
    public const byte InstrumentDef = 0x13;
    public const byte Imbalance = 0x14;
    public const byte Error = 0x15;
    public const byte SymbolMapping = 0x16;
    public const byte System = 0x17;
    public const byte Statistics = 0x18;
    public const byte Mbo = 0xA0;
    public const byte Cmbp1 = 0xB1;
    public const byte Tcbbo = 0xC2;

    // Trade-like records (TradeMsg 48 bytes; Mbp1Msg and Cmbp1Msg 80, their one level at 48).
    public const int TradePrice = 16;    // i64
    public const int TradeSize = 24;     // u32
    public const int TradeAction = 28;   // c_char: 'T' a trade
    public const int TradeSide = 29;     // c_char: 'B' buy aggressor, 'A' sell aggressor, 'N' none
    public const int TradeTsRecv = 32;   // u64
    public const int TradeLength = 48;
    public const int LevelBid = 48;      // i64
    public const int LevelAsk = 56;      // i64
    public const int QuotedTradeLength = 80;

    /// <summary>StatMsg: v1 and v2 64 bytes with an i32 quantity; v3 80 bytes with an i64 quantity.</summary>
    public const int StatTsRecv = 16;
    public const int StatQuantity = 40;
    public static int StatType(int version) => version >= 3 ? 56 : 52;
    public static int StatLength(int version) => version >= 3 ? 80 : 64;

    /// <summary>InstrumentDefMsg: 360 bytes in v1, 400 in v2, 520 in v3; the fields this app reads move between them.</summary>
    public readonly record struct Definition(int Length, int Expiration, int StrikePrice, int RawSymbol, int SymbolLength, int Underlying, int InstrumentClass);

    public static Definition DefinitionOf(int version) => version switch
    {
        1 => new(360, 40, 328, 200, 22, 300, 325),
        2 => new(400, 40, 112, 200, 71, 349, 374),
        _ => new(520, 40, 104, 238, 71, 391, 487),
    };

    /// <summary>Bytes of the reserved run in the metadata before the schema-definition length.</summary>
    public static int MetadataReserved(int version) => version == 1 ? 47 : 53;

    /// <summary>The least length a record of <paramref name="rtype"/> may have; 16 (the header) for types not read.</summary>
    public static int MinimumLength(byte rtype, int version) => rtype switch
    {
        Mbp0 => TradeLength,
        Mbp1 or Cmbp1 or Tcbbo => QuotedTradeLength,
        Statistics => StatLength(version),
        InstrumentDef => DefinitionOf(version).Length,
        _ => HeaderLength,
    };

    /// <summary>Schema names by their metadata number (the <c>Schema</c> enum).</summary>
    public static string SchemaName(ushort schema) => schema switch
    {
        0 => "mbo",
        1 => "mbp-1",
        2 => "mbp-10",
        3 => "tbbo",
        4 => "trades",
        5 => "ohlcv-1s",
        6 => "ohlcv-1m",
        7 => "ohlcv-1h",
        8 => "ohlcv-1d",
        9 => "definition",
        10 => "statistics",
        11 => "status",
        12 => "imbalance",
        13 => "ohlcv-eod",
        14 => "cmbp-1",
        15 => "cbbo-1s",
        16 => "cbbo-1m",
        17 => "tcbbo",
        18 => "bbo-1s",
        19 => "bbo-1m",
        NoSchema => "mixed",
        _ => $"schema {schema}",
    };

    /// <summary>Why a schema is not read, with the one to get instead; null for the schemas read.</summary>
    public static string? Refusal(ushort schema) => schema switch
    {
        1 or 3 or 4 or 9 or 10 or 14 or 17 or NoSchema => null,
        5 or 6 or 7 or 8 or 13 => $"{SchemaName(schema)} is bars, not prints: get trades (or tcbbo, trades with the consolidated quote at each) for the same days",
        15 or 16 or 18 or 19 => $"{SchemaName(schema)} samples the quote once a period and so misses most prints' quotes: get tcbbo (every trade with the consolidated quote before it) or tbbo instead",
        0 or 2 => $"{SchemaName(schema)} is order-book depth this app does not read: get tbbo or mbp-1 (the top of the book with every trade)",
        11 or 12 => $"{SchemaName(schema)} holds no prints: get trades, tcbbo, definition or statistics",
        _ => $"{SchemaName(schema)} is not a Databento schema this build knows",
    };
}
