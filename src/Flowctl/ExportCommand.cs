using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl export --symbol SPY [--date 2026-06-05] [--format csv|ndjson] [--out FILE]</c>: one symbol's minute
/// aggregates for one New York date (midnight to midnight there), read from the app's storage, one row per minute
/// with prints, ascending. Money in USD (2 dp), the VWAP to 2 dp, as the API rounds; <c>cumulative_net_volume</c>
/// runs from the day's first row.
/// </summary>
public static class ExportCommand
{
    private static readonly string[] Columns =
    [
        "minute_utc", "buy_volume", "sell_volume", "mid_volume", "net_volume", "cumulative_net_volume", "buy_premium", "sell_premium",
        "mid_premium", "net_premium", "trade_count", "vwap", "last_price", "last_trade_utc",
    ];

    public static Command Build(StorageArguments storage, IAnsiConsole console, TimeProvider time)
    {
        var symbol = new Option<string>("--symbol") { Description = "The underlying, e.g. SPY", Required = true };
        var date = new Option<string?>("--date") { Description = "New York trading date, yyyy-MM-dd (default: today there)" };
        var format = new Option<string>("--format") { Description = "csv or ndjson", DefaultValueFactory = _ => "csv" };
        var output = new Option<FileInfo?>("--out") { Description = "Write here instead of the console" };
        var command = new Command("export", "Write a day's minute aggregates for a symbol as CSV or NDJSON.") { symbol, date, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var chars = new char[EventLimits.MaxSymbolLength];
            var raw = parse.GetValue(symbol)!;
            if (raw.Length > chars.Length || !EventLimits.TryNormalizeSymbol(raw, chars, out var length))
            {
                throw new FlowctlException($"\"{raw}\" is not a symbol (1-12 of A-Z, 0-9, '.', '_', '-').");
            }

            var day = FlowctlCli.TradingDate(parse.GetValue(date), time);
            var ndjson = parse.GetValue(format)?.ToLowerInvariant() switch
            {
                "csv" => false,
                "ndjson" or "jsonl" => true,
                var other => throw new FlowctlException($"--format \"{other}\": use csv or ndjson."),
            };

            var name = new string(chars, 0, length);
            var store = storage.Open(parse).CreateFlowStore();
            var first = MinuteBucket.Of(NewYorkTime.ToUtc(day, TimeOnly.MinValue));
            var last = MinuteBucket.Of(NewYorkTime.ToUtc(day.AddDays(1), TimeOnly.MinValue)) - 1;
            var minutes = await store.ReadMinutesAsync(name, first, last, ct);

            var file = parse.GetValue(output);
            await using var writer = file is null ? null : new StreamWriter(file.FullName);
            var lines = Write(minutes, ndjson);
            foreach (var line in lines)
            {
                if (writer is null)
                {
                    // Raw, not through the console's rendering: data lines must not wrap at the terminal's width.
                    await console.Profile.Out.Writer.WriteLineAsync(line);
                }
                else
                {
                    await writer.WriteLineAsync(line);
                }
            }

            if (file is not null)
            {
                console.MarkupLineInterpolated($"{minutes.Count:N0} minutes of {name} on {day:yyyy-MM-dd} written to {file.FullName}.");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The rows as CSV (with a header) or NDJSON lines.</summary>
    public static IEnumerable<string> Write(IReadOnlyList<KeyValuePair<long, FlowTally>> minutes, bool ndjson)
    {
        if (!ndjson)
        {
            yield return string.Join(',', Columns);
        }

        Int128 cumulative = 0;
        foreach (var (minute, t) in minutes)
        {
            cumulative += t.NetVolume;
            object?[] values =
            [
                MinuteBucket.Start(minute).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                t.BuyVolume, t.SellVolume, t.MidVolume, t.NetVolume, cumulative,
                Dollars(t.BuyPremiumCents), Dollars(t.SellPremiumCents), Dollars(t.MidPremiumCents), Dollars(t.NetPremiumCents),
                t.TradeCount,
                t.TotalVolume == 0 ? null : Math.Round(t.Vwap, 2, MidpointRounding.AwayFromZero),
                t.Last.IsNone ? null : Math.Round(t.Last.Price, 2, MidpointRounding.AwayFromZero),
                t.Last.IsNone ? null : t.Last.Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ];
            if (ndjson)
            {
                var row = new Dictionary<string, object?>();
                for (var i = 0; i < Columns.Length; i++)
                {
                    row[Columns[i]] = values[i];
                }

                yield return JsonSerializer.Serialize(row);
            }
            else
            {
                yield return string.Join(',', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }
    }

    /// <summary>Cents as dollars with two decimals; a sum beyond decimal's range (about 7.9 × 10^28 cents) as a double.</summary>
    private static object Dollars(Int128 cents) =>
        Int128.Abs(cents) <= (Int128)decimal.MaxValue ? (decimal)cents / 100m : (double)cents / 100;
}
