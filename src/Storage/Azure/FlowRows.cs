using System.Globalization;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The row layout of the <c>flow</c> table (docs/storage.md): partition and row keys, cell names and each row's
/// <c>Until</c> (the epoch minute after which no endpoint can ask for it). Row keys sort so that every read is a point
/// read or one row-key range of one partition.
/// </summary>
internal static class FlowRows
{
    /// <summary>Partitions the symbols are spread over (FNV-1a of the symbol). Changing it orphans stored rows.</summary>
    public const int Shards = 4;

    /// <summary>Buckets of a cross-symbol row: each symbol's figures live in cell <c>b{bucket}</c>.</summary>
    public const int Buckets = 64;

    /// <summary>Per-contract, 0DTE and chain data is kept through the next trading date at least (yesterday's chain is read on the open).</summary>
    public const int DayDataMinutes = 2 * 1440;

    public const string Applied = "Applied";
    public const string Until = "Until";

    public static int ShardOf(string symbol) => (int)(Fnv1a(symbol) % Shards);

    public static string Partition(int shard) => "f" + shard.ToString(CultureInfo.InvariantCulture);

    public static string PartitionOf(string symbol) => Partition(ShardOf(symbol));

    public static int BucketOf(string symbol) => (int)((Fnv1a(symbol) >> 8) % Buckets);

    public static string BucketCell(string symbol) => "b" + BucketOf(symbol).ToString("D2", CultureInfo.InvariantCulture);

    // Per-symbol rows.

    /// <summary>A symbol's minute tallies of one UTC hour, cells <c>m00</c>..<c>m59</c>; and its quoted spots, cells <c>q00</c>..<c>q59</c>.</summary>
    public static string MinuteRow(string symbol, long hour) => $"m|{symbol}|{HourKey(hour)}";

    /// <summary>A symbol's 0DTE strike cells of one UTC hour; cells <c>m00</c>..<c>m59</c>, each a strike map.</summary>
    public static string ZeroDteRow(string symbol, long hour) => $"z|{symbol}|{HourKey(hour)}";

    /// <summary>
    /// A symbol's per-contract flow of one trading date, one row per expiry and right (so a row holds at most the
    /// strikes one expiry lists, far below the entity limit); its one cell <c>e{yyyyMMdd}{C|P}</c> is a strike map.
    /// </summary>
    public static string ContractRow(string symbol, DateOnly tradingDate, DateOnly expiry, OptionRight right) =>
        $"c|{symbol}|{DateKey(tradingDate)}|{ContractCell(expiry, right)}";

    /// <summary>The row-key range [from, to) of a symbol's contract rows of one trading date.</summary>
    public static (string From, string To) ContractRows(string symbol, DateOnly tradingDate) =>
        ($"c|{symbol}|{DateKey(tradingDate)}|", $"c|{symbol}|{DateKey(tradingDate)}}}");

    public static string MinuteCell(long minute) => "m" + ((int)(minute % 60)).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The cell of a minute row that holds the minute's quoted spots (<see cref="HistoryRows"/>), beside its tally cell.</summary>
    public static string QuoteCell(long minute) => "q" + ((int)(minute % 60)).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>Whether a cell of a minute or 0DTE row is a minute's figures (<c>m00</c>..<c>m59</c>), not its quotes.</summary>
    public static bool IsMinuteCell(string cell) => cell.Length > 0 && cell[0] == 'm';

    public static long MinuteOfCell(long hour, string cell) => (hour * 60) + int.Parse(cell.AsSpan(1), CultureInfo.InvariantCulture);

    public static string ContractCell(DateOnly expiry, OptionRight right) => "e" + DateKey(expiry) + right.Letter();

    public static (DateOnly Expiry, OptionRight Right) ContractOfCell(string cell) => (
        DateOnly.ParseExact(cell.AsSpan(1, 8), "yyyyMMdd", CultureInfo.InvariantCulture),
        cell[9] == 'C' ? OptionRight.Call : OptionRight.Put);

    // Cross-symbol rows, one per lane (writer) so that writers of different Event Hubs partitions never contend.

    /// <summary>Every symbol's tally of one minute from one lane.</summary>
    public static string MinuteRollup(long minute, string lane) => $"M|{MinuteKey(minute)}|{lane}";

    /// <summary>Every symbol's tally of one UTC hour from one lane.</summary>
    public static string HourRollup(long hour, string lane) => $"H|{HourKey(hour)}|{lane}";

    /// <summary>Every symbol's tally of one UTC day from one lane.</summary>
    public static string DayRollup(long day, string lane) => $"D|{DayKey(day)}|{lane}";

    /// <summary>The newest spot of every symbol one lane has seen.</summary>
    public static string SpotRow(string lane) => $"S|{lane}";

    public const string SpotRowsFrom = "S|";
    public const string SpotRowsTo = "S}";

    /// <summary>The newest spot of every symbol one lane has seen in spot events and chains alone (what a cancelled print's spot falls back to).</summary>
    public static string QuoteRow(string lane) => $"Q|{lane}";

    public const string QuoteRowsFrom = "Q|";
    public const string QuoteRowsTo = "Q}";

    // Ledger rows (docs/storage.md, "Cancels"): the prints one batch folded into one symbol's minute, and the cancels.

    /// <summary>Prints a ledger row holds at most (about 100 bytes each, so a row stays far inside an entity's 1 MiB).</summary>
    public const int LedgerRowPrints = 4000;

    /// <summary>The ledger row of one batch (or cancel) <paramref name="tag"/>, lane and symbol-minute; <paramref name="part"/> past the first <see cref="LedgerRowPrints"/>.</summary>
    public static string LedgerRow(string symbol, long minute, string lane, ulong tag, int part) =>
        $"p|{symbol}|{MinuteKey(minute)}|{lane}|{tag:x16}" + (part == 0 ? string.Empty : "-" + part.ToString(CultureInfo.InvariantCulture));

    /// <summary>The row-key range [from, to) of a symbol's ledger rows of the minutes first ≤ minute &lt; end.</summary>
    public static (string From, string To) LedgerRows(string symbol, long first, long end) =>
        ($"p|{symbol}|{MinuteKey(first)}", $"p|{symbol}|{MinuteKey(end)}");

    /// <summary>The minute and lane of a ledger row key.</summary>
    public static (long Minute, string Lane) OfLedgerRow(string rowKey)
    {
        var parts = rowKey.Split('|');
        var minute = MinuteBucket.Of(DateTimeOffset.ParseExact(parts[2], "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        return (minute, parts[3]);
    }

    public static string MinuteRollupFrom(long minute) => "M|" + MinuteKey(minute);

    public static string HourRollupFrom(long hour) => "H|" + HourKey(hour);

    public static string DayRollupFrom(long day) => "D|" + DayKey(day);

    /// <summary>The hour of a per-symbol hour row key (<c>m|SYM|yyyyMMddHH</c>).</summary>
    public static long HourOfRow(string rowKey) =>
        MinuteBucket.Of(DateTimeOffset.ParseExact(rowKey.AsSpan(rowKey.LastIndexOf('|') + 1), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)) / 60;

    // Until: the first epoch minute at which the row is out of every endpoint's reach, now or as of any instant the
    // retention keeps (docs/storage.md, "Pruning"; docs/api.md "Retention"). Rows of a trading date go when the
    // retention no longer keeps the date; minute rows one longest window later, since a window ending on the first
    // kept date reaches back that far.

    /// <summary>Per-contract, 0DTE, ledger, quote and print-id rows of a trading date: kept as long as the retention keeps the date, and through the next trading date at least.</summary>
    public static long DayDataUntil(DateOnly tradingDate, int retentionDays) =>
        Math.Max(DayStart(tradingDate) + DayDataMinutes, DayStart(NewYorkTime.RetainedUntil(tradingDate, retentionDays)));

    /// <summary>A row whose last minute is <paramref name="lastMinute"/> that windows read: kept until no kept instant's longest window reaches it.</summary>
    public static long WindowUntil(long lastMinute, int retentionDays)
    {
        var reach = lastMinute + CumulativeFlow.MaxMinutes;
        return Math.Max(reach + 1, DayStart(NewYorkTime.RetainedUntil(NewYorkTime.TradingDate(MinuteBucket.Start(reach)), retentionDays)));
    }

    public static long MinuteRowUntil(long hour, int retentionDays) => WindowUntil((hour * 60) + 59, retentionDays);

    public static long MinuteRollupUntil(long minute, int retentionDays) => WindowUntil(minute, retentionDays);

    public static long HourRollupUntil(long hour, int retentionDays) => WindowUntil((hour * 60) + 59, retentionDays);

    public static long DayRollupUntil(long day, int retentionDays) => WindowUntil((day * 1440) + 1439, retentionDays);

    private static long DayStart(DateOnly date) => MinuteBucket.Of(NewYorkTime.ToUtc(date, TimeOnly.MinValue));

    public static string HourKey(long hour) => MinuteBucket.Start(hour * 60).ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string MinuteKey(long minute) => MinuteBucket.Start(minute).ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string DayKey(long day) => MinuteBucket.Start(day * 1440).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string DateKey(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>32-bit FNV-1a of a symbol's characters: stable across processes and releases, unlike string hash codes.</summary>
    private static uint Fnv1a(string symbol)
    {
        var hash = 2166136261u;
        foreach (var c in symbol)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>Lanes name a writer in row keys: 1 to 32 of <c>a-z 0-9 -</c>.</summary>
    public static bool IsLane(string lane) =>
        lane.Length is > 0 and <= 32 && lane.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
