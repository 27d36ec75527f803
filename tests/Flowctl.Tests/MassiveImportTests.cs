using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FlowFunctions.Ingest.Vendors.Massive;
using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>
/// <c>flowctl import</c> of Massive files (docs/importing.md "Massive"): options trades joined as of each print with
/// the day's quotes, condition codes, cancels, spot from stock minute aggregates, chain snapshots; files the tests write.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class MassiveImportTests(AzuriteFixture azurite) : IDisposable
{
    private const string Secret = "flowctl-massive-test-secret";
    private const long Second = 1_000_000_000L;
    private readonly string _folder = Directory.CreateTempSubdirectory("flowctl-massive-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TradesJoinTheirQuotesAsOfEachPrintWithConditionsCancelsAndSpot()
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 14, 0, 0, TimeSpan.Zero));
        var (trades, quotes, minutes) = Day(t0, "260605");
        var output = Path.Combine(_folder, "out.ndjson");
        var (exit, text) = await Runner().RunAsync(null, ["import", Gz("trades.csv.gz", trades), Gz("quotes.csv.gz", quotes), Gz("minutes.csv.gz", minutes), "--ndjson", output]);
        Assert.True(exit == 0, text);
        var events = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var prints = events.Where(e => e.GetProperty("type").GetString() == "trade").ToList();

        // A: 1.25 at t0+1s, quoted 1.20 x 1.30 (the quote at t0+0.5s; the one at t0+2s is later than the print).
        var a = prints[0];
        Assert.Equal(("SPY", "SPY260605C00590000", "2026-06-05T14:00:01.000000000Z"), (a.GetProperty("underlying").GetString(), a.GetProperty("contract").GetString(), a.GetProperty("ts").GetString()));
        Assert.Equal((1.25m, 1.2m, 1.3m, 590.1m), (a.GetProperty("price").GetDecimal(), a.GetProperty("bid").GetDecimal(), a.GetProperty("ask").GetDecimal(), a.GetProperty("spot").GetDecimal()));
        Assert.Equal(["sweep"], a.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));

        // B: a multi-leg print after the second quote, whose bid side is empty: absent, never zero.
        var b = prints[1];
        Assert.False(b.TryGetProperty("bid", out _));
        Assert.Equal(1.35m, b.GetProperty("ask").GetDecimal());
        Assert.Equal(["multi_leg"], b.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));

        // The put: late, kept at its own time; a stock-option leg is a multi-leg print; no quote for its contract.
        var late = prints.Single(p => p.GetProperty("contract").GetString() == "SPY260605P00585000" && p.GetProperty("price").GetDecimal() == 0.80m);
        Assert.Equal(["late"], late.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));
        Assert.False(late.TryGetProperty("bid", out _));
        Assert.Equal(591m, late.GetProperty("spot").GetDecimal()); // the close of the last minute before it

        // The cancel (201) names the earlier print at its price and size, with that print's own ts and id.
        var cancel = Assert.Single(events, e => e.GetProperty("type").GetString() == "cancel");
        Assert.Equal((a.GetProperty("ts").GetString(), a.GetProperty("id").GetString()), (cancel.GetProperty("ts").GetString(), cancel.GetProperty("id").GetString()));
        Assert.Equal(4, prints.Count); // the compression trade (247) is no market trade
        Assert.Contains("multilateral compression (no market trade)", text, StringComparison.Ordinal);

        // The same files again: the same events, ids and all.
        var again = Path.Combine(_folder, "again.ndjson");
        (exit, text) = await Runner().RunAsync(null, ["import", Path.Combine(_folder, "minutes.csv.gz"), Path.Combine(_folder, "quotes.csv.gz"), Path.Combine(_folder, "trades.csv.gz"), "--ndjson", again]);
        Assert.True(exit == 0, text);
        Assert.Equal(File.ReadAllText(output), File.ReadAllText(again));
    }

    [Fact]
    public async Task ADayImportedTwiceAnswersEveryEndpointAsTheSameEventsInTheAppsOwnFormatDo()
    {
        var now = DateTimeOffset.UtcNow;
        var today = Analytics.Time.NewYorkTime.TradingDate(now);
        var e = today.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        // On a whole minute: the hand-written day below takes each print's spot from the minute bars as they fall when
        // the prints are 3, 61 and 150 seconds into the first bar (a t0 late in its minute once moved two of them on).
        var t0 = Nanos(now.AddMinutes(-40)) / (60 * Second) * (60 * Second);
        var (trades, quotes, minutes) = Day(t0, e);
        var snapshot = Path.Combine(_folder, "chain.json");
        await File.WriteAllTextAsync(snapshot, $$$"""
            {"status":"OK","results":[
              {"details":{"ticker":"O:SPY{{{e}}}C00590000","contract_type":"call"},"open_interest":12345,"implied_volatility":0.18,"last_quote":{"bid":1.2,"ask":1.3,"last_updated":{{{t0 - (60 * Second)}}}},"underlying_asset":{"ticker":"SPY","price":590.05,"last_updated":{{{t0 - (60 * Second)}}}}},
              {"details":{"ticker":"O:SPY{{{e}}}P00585000","contract_type":"put"},"open_interest":678,"last_quote":{"bid":0.75,"ask":0.85,"last_updated":{{{t0 - (90 * Second)}}}}}
            ]}
            """);
        string[] files = [Gz("t.csv.gz", trades), Gz("q.csv.gz", quotes), Gz("m.csv.gz", minutes), snapshot];
        var imported = Runner("massive");
        var (exit, text) = await imported.RunAsync(null, ["import", .. files, "--to", "storage", "--batch-size", "2"]);
        Assert.True(exit == 0, text);
        (exit, text) = await imported.RunAsync(null, ["import", .. files, "--to", "storage", "--restart"]);
        Assert.True(exit == 0, text);

        string Ts(long at) => Ingest.Vendors.VendorEventWriter.Timestamp(at);
        var native = Path.Combine(_folder, "native.ndjson");
        await File.WriteAllLinesAsync(native,
        [
            $$"""{"type":"chain","ts":"{{Ts(t0 - (60 * Second))}}","underlying":"SPY","spot":590.05,"contracts":[{"contract":"SPY{{e}}C00590000","oi":12345,"iv":0.18,"bid":1.2,"ask":1.3},{"contract":"SPY{{e}}P00585000","oi":678,"bid":0.75,"ask":0.85}]}""",
            $$"""{"type":"trade","ts":"{{Ts(t0 + (3 * Second))}}","underlying":"SPY","contract":"SPY{{e}}C00590000","price":1.30,"size":4,"ask":1.35,"spot":590.1,"conditions":["multi_leg"]}""",
            $$"""{"type":"trade","ts":"{{Ts(t0 + (61 * Second))}}","underlying":"SPY","contract":"SPY{{e}}C00590000","price":1.28,"size":6,"ask":1.35,"spot":590.2}""",
            $$"""{"type":"trade","ts":"{{Ts(t0 + (150 * Second))}}","underlying":"SPY","contract":"SPY{{e}}P00585000","price":0.80,"size":5,"spot":591,"conditions":["late"]}""",
        ]);
        await ImportedDay.AssertAnswersAsTheNativeDayAsync(azurite, imported, Runner("native"), native, today, now, prints: 3); // the cancelled or twice-carried print counts once
    }

    [Theory]
    [InlineData("ticker,conditions,exchange,price,sip_timestamp,size\nO:SPY260605C00590000,,312,1.25,1,1", "line 1: the header has no \"correction\" column")]
    [InlineData("ticker,conditions,correction,exchange,price,sip_timestamp,size\nSPY,,0,312,1.25,1,1", "line 2: \"SPY\" is not an options ticker")]
    [InlineData("ticker,conditions,correction,exchange,price,sip_timestamp,size\nO:SPY260605C00590000,,0,312,1.25,5,1\nO:SPY260605C00590000,,0,312,1.25,4,1", "line 3: the rows are not in Massive's order")]
    [InlineData("ticker,conditions,correction,exchange,price,sip_timestamp,size\nO:SPY260605C00590000,,0,312,1.2.5,5,1", "line 2: price \"1.2.5\" is not a price")]
    public async Task BadFilesAreNamedWithTheirLine(string csv, string sentence)
    {
        var path = Gz("bad.csv.gz", csv);
        var (exit, text) = await Runner().RunAsync(null, ["import", path, "--ndjson", Path.Combine(_folder, "none.ndjson")]);
        Assert.Equal(1, exit);
        Assert.Contains(sentence, text, StringComparison.Ordinal);
        Assert.Contains("bad.csv.gz", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("219", "sweep")]
    [InlineData("\"209,232\"", "multi_leg")]
    [InlineData("241", "multi_leg")]
    [InlineData("202", "late")]
    [InlineData("227", "auction")]
    [InlineData("231", "floor")]
    public void ConditionCodesReadAsTheDocsSay(string cell, string name)
    {
        var reading = MassiveConditions.Read(cell.Trim('"'));
        Assert.Equal(name, Analytics.Events.TradeConditionNames.Name(reading.Conditions));
        Assert.False(reading.Cancels);
    }

    [Fact]
    public void DamagedFilesNeverCrashTheReader()
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 14, 0, 0, TimeSpan.Zero));
        var (trades, quotes, minutes) = Day(t0, "260605");
        var random = new Random(20261207);
        var files = new[] { Gz("t.csv.gz", trades), Gz("q.csv.gz", quotes), Gz("m.csv.gz", minutes) }.Select(File.ReadAllBytes).ToArray();
        for (var trial = 0; trial < 600; trial++)
        {
            var which = trial % 3;
            var plain = trial % 2 == 0;
            var bytes = plain ? Encoding.UTF8.GetBytes(new[] { trades, quotes, minutes }[which]) : files[which];
            var damaged = trial % 4 == 0 ? bytes[..random.Next(bytes.Length)] : (byte[])bytes.Clone();
            if (trial % 4 != 0)
            {
                for (var flips = 0; flips < 1 + (trial % 5); flips++)
                {
                    damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
                }
            }

            var path = Path.Combine(_folder, $"damaged-{which}.csv");
            File.WriteAllBytes(path, damaged);
            string[] set = which == 0 ? [path, Path.Combine(_folder, "q.csv.gz")] : which == 1 ? [Path.Combine(_folder, "t.csv.gz"), path] : [Path.Combine(_folder, "t.csv.gz"), path];
            try
            {
                using var importer = new MassiveImporter(set, Ingest.Vendors.VendorFilter.All, new NullSink());
                while (importer.Step())
                {
                }
            }
            catch (Ingest.Vendors.VendorFormatException)
            {
            }
        }
    }

    private sealed class NullSink : Ingest.Vendors.IVendorEventSink
    {
        public void Event(ReadOnlySpan<byte> json, string underlying, long timestampNanos)
        {
        }
    }

    /// <summary>A day of SPY in Massive's layout (rows by ticker, then SIP time; no participant_timestamp column).</summary>
    private static (string Trades, string Quotes, string Minutes) Day(long t0, string e)
    {
        var call = $"O:SPY{e}C00590000";
        var put = $"O:SPY{e}P00585000";
        var trades = new StringBuilder("ticker,conditions,correction,exchange,price,sip_timestamp,size\n")
            .Append($"{call},219,0,312,1.25,{t0 + Second},10\n")
            .Append($"{call},\"209,232\",0,312,1.30,{t0 + (3 * Second)},4\n")
            .Append($"{call},201,0,312,1.25,{t0 + (5 * Second)},10\n")       // cancels the first
            .Append($"{call},247,0,312,1.10,{t0 + (6 * Second)},100\n")      // compression
            .Append($"{call},209,0,313,1.28,{t0 + (61 * Second)},6\n")
            .Append($"{put},204,0,302,0.80,{t0 + (150 * Second)},5\n")
            .ToString();
        var quotes = new StringBuilder("ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,sequence_number,sip_timestamp\n")
            .Append($"{call},312,1.30,10,312,1.20,8,1,{t0 + (Second / 2)}\n")
            .Append($"{call},312,1.35,10,312,0,0,2,{t0 + (2 * Second)}\n")
            .ToString();
        var minute = t0 / (60 * Second) * (60 * Second);
        var minutes = new StringBuilder("ticker,volume,open,close,high,low,window_start,transactions\n")
            .Append($"QQQ,100,500,501,502,499,{minute},10\n")
            .Append($"SPY,100,590.10,590.20,590.3,590.0,{minute},10\n")
            .Append($"SPY,100,590.20,591,591.1,590.1,{minute + (60 * Second)},10\n")
            .ToString();
        return (trades, quotes, minutes);
    }

    private FlowctlRunner Runner(string name = "massive") => new(azurite.Account, AzuriteFixture.UniqueName(name), Secret);

    private string Gz(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }

    private static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
