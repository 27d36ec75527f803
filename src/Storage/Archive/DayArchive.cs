using System.Globalization;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;
using Parquet;
using Parquet.Schema;

namespace FlowFunctions.Storage.Archive;

/// <summary>What one archived trading date holds: files written, symbols and rows per dataset.</summary>
public sealed record DayArchiveResult(DateOnly TradingDate, int Symbols, int Files, long MinuteRows, long ZeroDteRows, long ContractRows);

/// <summary>
/// One trading date of a flow store as Parquet, for a lake that holds years (docs/storage.md "Day archive"): three
/// datasets, each Hive-partitioned by date and symbol so that DuckDB, Spark, Fabric or Azure Data Explorer prune by
/// path: <c>minutes/date={yyyy-MM-dd}/symbol={SYM}/part-0.parquet</c> (the symbol's minute tallies),
/// <c>zero_dte/...</c> (its 0DTE strike cells per minute) and <c>contracts/...</c> (its per-contract day state). Sums
/// are exact integers (contracts, cents, thousandths of a contract), as the store keeps them; times are UTC. Last, a
/// marker <c>_archived/date={yyyy-MM-dd}</c> says the date is whole. Reads the store only; thread-safe.
/// </summary>
public static class DayArchive
{
    public const string MarkerFolder = "_archived";

    /// <summary>Writes every symbol with flow on <paramref name="tradingDate"/>, then the date's marker.</summary>
    public static async Task<DayArchiveResult> WriteAsync(IFlowStore store, DateOnly tradingDate, IArchiveSink sink, CancellationToken cancellationToken)
    {
        var first = MinuteBucket.Of(NewYorkTime.ToUtc(tradingDate, TimeOnly.MinValue));
        var end = MinuteBucket.Of(NewYorkTime.ToUtc(tradingDate.AddDays(1), TimeOnly.MinValue));
        var symbols = (await store.ReadWindowTotalsAsync(first, end - 1, cancellationToken)).Select(t => t.Key).ToArray();
        var (files, minuteRows, zeroDteRows, contractRows) = (0, 0L, 0L, 0L);
        foreach (var symbol in symbols)
        {
            var minutes = await store.ReadMinutesAsync(symbol, first, end - 1, cancellationToken);
            await sink.WriteAsync(PathOf("minutes", tradingDate, symbol), await MinutesAsync(minutes, cancellationToken), cancellationToken);
            minuteRows += minutes.Count;
            files++;

            var strikes = await store.ReadZeroDteAsync(symbol, first, end - 1, cancellationToken);
            if (strikes.Count > 0)
            {
                await sink.WriteAsync(PathOf("zero_dte", tradingDate, symbol), await ZeroDteAsync(strikes, cancellationToken), cancellationToken);
                zeroDteRows += strikes.Count;
                files++;
            }

            var contracts = (await store.ReadContractsAsync(symbol, tradingDate, cancellationToken)).OrderBy(c => c.Key).ToArray();
            if (contracts.Length > 0)
            {
                await sink.WriteAsync(PathOf("contracts", tradingDate, symbol), await ContractsAsync(contracts, cancellationToken), cancellationToken);
                contractRows += contracts.Length;
                files++;
            }
        }

        var result = new DayArchiveResult(tradingDate, symbols.Length, files, minuteRows, zeroDteRows, contractRows);
        await sink.WriteAsync(MarkerOf(tradingDate), System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(result)), cancellationToken);
        return result;
    }

    /// <summary>The path of one dataset's file of a date and symbol, relative to the archive's root.</summary>
    public static string PathOf(string dataset, DateOnly tradingDate, string symbol) => $"{dataset}/date={DateKey(tradingDate)}/symbol={symbol}/part-0.parquet";

    /// <summary>The marker written once a date is whole.</summary>
    public static string MarkerOf(DateOnly tradingDate) => $"{MarkerFolder}/date={DateKey(tradingDate)}.json";

    private static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<byte[]> MinutesAsync(IReadOnlyList<KeyValuePair<long, FlowTally>> minutes, CancellationToken cancellationToken)
    {
        var table = new ParquetColumns();
        table.Add("minute", minutes.Select(m => MinuteBucket.Start(m.Key).UtcDateTime).ToArray());
        AddTally(table, minutes.Select(m => m.Value).ToArray());
        return table.ToBytesAsync(cancellationToken);
    }

    private static Task<byte[]> ZeroDteAsync(IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>> strikes, CancellationToken cancellationToken)
    {
        var table = new ParquetColumns();
        table.Add("minute", strikes.Select(s => MinuteBucket.Start(s.Key.Minute).UtcDateTime).ToArray());
        table.Add("strike", strikes.Select(s => s.Key.StrikeMilli / 1000.0).ToArray());
        table.Add("signed_delta_cents", strikes.Select(s => (long)s.Value.SignedDeltaCents).ToArray());
        table.Add("signed_gamma_cents", strikes.Select(s => (long)s.Value.SignedGammaCents).ToArray());
        table.Add("contracts", strikes.Select(s => (long)s.Value.Contracts).ToArray());
        AddLast(table, strikes.Select(s => s.Value.Last).ToArray());
        return table.ToBytesAsync(cancellationToken);
    }

    private static Task<byte[]> ContractsAsync(KeyValuePair<OptionKey, ContractDayFlow>[] contracts, CancellationToken cancellationToken)
    {
        var table = new ParquetColumns();
        table.Add("expiry", contracts.Select(c => c.Key.Expiry).ToArray());
        table.Add("strike", contracts.Select(c => c.Key.StrikeMilli / 1000.0).ToArray());
        table.Add("right", contracts.Select(c => c.Key.Right == OptionRight.Call ? "C" : "P").ToArray());
        AddTally(table, contracts.Select(c => c.Value.Flow).ToArray());
        table.Add("signed_milli", contracts.Select(c => checked((long)c.Value.SignedMilli)).ToArray());
        table.Add("decisive_milli", contracts.Select(c => checked((long)c.Value.DecisiveMilli)).ToArray());
        table.Add("sign_variance_milli", contracts.Select(c => checked((long)c.Value.SignVarianceMilli)).ToArray());
        return table.ToBytesAsync(cancellationToken);
    }

    private static void AddTally(ParquetColumns table, FlowTally[] tallies)
    {
        table.Add("buy_volume", tallies.Select(t => checked((long)t.BuyVolume)).ToArray());
        table.Add("sell_volume", tallies.Select(t => checked((long)t.SellVolume)).ToArray());
        table.Add("mid_volume", tallies.Select(t => checked((long)t.MidVolume)).ToArray());
        table.Add("buy_premium_cents", tallies.Select(t => checked((long)t.BuyPremiumCents)).ToArray());
        table.Add("sell_premium_cents", tallies.Select(t => checked((long)t.SellPremiumCents)).ToArray());
        table.Add("mid_premium_cents", tallies.Select(t => checked((long)t.MidPremiumCents)).ToArray());
        table.Add("trade_count", tallies.Select(t => t.TradeCount).ToArray());
        AddLast(table, tallies.Select(t => t.Last).ToArray());
    }

    /// <summary>The latest print: its time, price, and the underlying's spot and the IV it was valued with (NaN when unknown).</summary>
    private static void AddLast(ParquetColumns table, LastPrint[] last)
    {
        table.Add("last_ts", last.Select(l => new DateTime(l.Ticks, DateTimeKind.Utc)).ToArray());
        table.Add("last_price", last.Select(l => l.Price).ToArray());
        table.Add("last_spot", last.Select(l => l.Spot).ToArray());
        table.Add("last_iv", last.Select(l => l.Iv).ToArray());
    }

    /// <summary>Columns of one row group, written as one Parquet file (Snappy, the format's common default).</summary>
    private sealed class ParquetColumns
    {
        private readonly List<(DataField Field, Func<ParquetRowGroupWriter, CancellationToken, Task> Write)> _columns = [];

        public void Add<T>(string name, T[] values)
            where T : struct
        {
            var field = new DataField<T>(name);
            _columns.Add((field, (group, ct) => group.WriteAsync<T>(field, values, cancellationToken: ct)));
        }

        public void Add(string name, string[] values)
        {
            var field = new DataField<string>(name);
            _columns.Add((field, (group, _) => group.WriteAsync(field, values)));
        }

        public async Task<byte[]> ToBytesAsync(CancellationToken cancellationToken)
        {
            var schema = new ParquetSchema(_columns.Select(c => (Field)c.Field).ToArray());
            using var stream = new MemoryStream();
            await using (var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken))
            {
                using var group = writer.CreateRowGroup();
                foreach (var (_, write) in _columns)
                {
                    await write(group, cancellationToken);
                }

                group.CompleteValidate();
            }

            return stream.ToArray();
        }
    }
}
