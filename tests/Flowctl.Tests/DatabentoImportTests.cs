using System.Text.Json;
using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Databento;
using FlowFunctions.Testing;
using FlowFunctions.Testing.Vendors;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>
/// <c>flowctl import</c> of Databento DBN files (docs/importing.md "Databento"): files the tests write from the public
/// struct definitions (<see cref="DbnFileWriter"/>), every version plain and zstd, into NDJSON and into storage.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class DatabentoImportTests(AzuriteFixture azurite) : IDisposable
{
    private const string Secret = "flowctl-import-test-secret";
    private const long Second = 1_000_000_000L;
    private const long Dollar = 1_000_000_000L; // DBN prices are in units of 1e-9
    private readonly string _folder = Directory.CreateTempSubdirectory("flowctl-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public async Task EveryVersionPlainOrZstdBecomesTheSameEvents(int version, bool zstd)
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 13, 30, 0, TimeSpan.Zero)) + 123_456_789;
        var (definitions, statistics, trades, tcbbo) = Day(version, t0);
        var files = new[] { Write($"defs-v{version}.dbn", definitions, zstd), Write($"stats-v{version}.dbn", statistics, zstd), Write($"trades-v{version}.dbn", trades, zstd), Write($"tcbbo-v{version}.dbn", tcbbo, zstd) };
        var output = Path.Combine(_folder, $"out-v{version}-{zstd}.ndjson");

        // Given in the wrong order on purpose: the prints must still come after their definitions and baseline.
        var (exit, text) = await Runner().RunAsync(null, ["import", files[3], files[2], files[1], files[0], "--ndjson", output]);
        Assert.True(exit == 0, text);
        var events = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var chain = Assert.Single(events, e => e.GetProperty("type").GetString() == "chain");
        Assert.Equal("SPY", chain.GetProperty("underlying").GetString());
        var oi = chain.GetProperty("contracts").EnumerateArray().ToDictionary(c => c.GetProperty("contract").GetString()!, c => c.GetProperty("oi").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["SPY260605C00590000"] = 12_345, ["SPY260605P00585000"] = 678 }, oi); // two venues, one figure
        Assert.Equal("chain", events[0].GetProperty("type").GetString()); // the baseline before the day's prints

        var prints = events.Where(e => e.GetProperty("type").GetString() == "trade").ToList();
        Assert.Equal(4, prints.Count); // two from trades, two from tcbbo: the mbp quote update and the undefined id are not prints
        var first = prints.Single(p => p.GetProperty("price").GetDecimal() == 1.25m);
        Assert.Equal("2026-06-05T13:30:01.123456789Z", first.GetProperty("ts").GetString());
        Assert.Equal(("SPY", "SPY260605C00590000", 1.25m, 10), (first.GetProperty("underlying").GetString(), first.GetProperty("contract").GetString(), first.GetProperty("price").GetDecimal(), first.GetProperty("size").GetInt32()));
        Assert.False(first.TryGetProperty("bid", out _)); // the trades schema carries no quote: absent, never zero
        Assert.False(first.TryGetProperty("side", out _)); // OPRA's side is N
        var quoted = prints.Single(p => p.GetProperty("price").GetDecimal() == 0.81m && p.TryGetProperty("bid", out _));
        Assert.Equal((0.8m, 0.82m, "sell"), (quoted.GetProperty("bid").GetDecimal(), quoted.GetProperty("ask").GetDecimal(), quoted.GetProperty("side").GetString()));

        // The print both files carry has one id in both, so the app counts it once.
        var ids = prints.Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Contains("print of an instrument id no definition record named", text, StringComparison.Ordinal);
        Assert.Contains("quote update (not a print)", text, StringComparison.Ordinal);
        Assert.Contains("wrote 5 events", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADayImportedTwiceAnswersEveryEndpointAsTheSameEventsInTheAppsOwnFormatDo()
    {
        var now = DateTimeOffset.UtcNow;
        var today = Analytics.Time.NewYorkTime.TradingDate(now);
        var t0 = Nanos(now.AddMinutes(-40));
        var (definitions, statistics, trades, tcbbo) = Day(3, t0, today);
        var files = new[] { Write("d.dbn.zst", definitions, true), Write("s.dbn.zst", statistics, true), Write("t.dbn.zst", trades, true), Write("c.dbn.zst", tcbbo, true) };
        var imported = Runner("dbn");
        var (exit, text) = await imported.RunAsync(null, ["import", .. files, "--to", "storage", "--batch-size", "2"]);
        Assert.True(exit == 0, text);
        (exit, text) = await imported.RunAsync(null, ["import", .. files, "--to", "storage", "--restart"]); // again, in other batches
        Assert.True(exit == 0, text);

        // The same day written by hand in the app's own format (docs/api.md "Events"), replayed once.
        var e = today.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        string Ts(long offset) => VendorEventWriter.Timestamp(t0 + offset);
        var native = Path.Combine(_folder, "native.ndjson");
        await File.WriteAllLinesAsync(native,
        [
            $$"""{"type":"chain","ts":"{{Ts(0)}}","underlying":"SPY","contracts":[{"contract":"SPY{{e}}C00590000","oi":12345},{"contract":"SPY{{e}}P00585000","oi":678}]}""",
            $$"""{"type":"trade","ts":"{{Ts(Second)}}","underlying":"SPY","contract":"SPY{{e}}C00590000","price":1.25,"size":10}""",
            $$"""{"type":"trade","ts":"{{Ts(2 * Second)}}","underlying":"SPY","contract":"SPY{{e}}P00585000","price":0.81,"size":5,"bid":0.80,"ask":0.82,"side":"sell"}""",
            $$"""{"type":"trade","ts":"{{Ts(3 * Second)}}","underlying":"SPY","contract":"SPY{{e}}C00590000","price":1.30,"size":20,"bid":1.28,"ask":1.31}""",
        ]);
        await ImportedDay.AssertAnswersAsTheNativeDayAsync(azurite, imported, Runner("native"), native, today, now, prints: 3); // the cancelled or twice-carried print counts once
    }

    [Fact]
    public async Task IntoARunningAppAFilteredImportAndAWholeOneCountEachPrintOnce()
    {
        using var app = new FlowApiFactory();
        app.StartOnLoopback();
        using var client = app.ClientWithKey(Keys.Alpha);
        var start = HandTapes.At(18, 0, 0);
        var (definitions, statistics, trades, tcbbo) = Day(3, Nanos(start), Analytics.Time.NewYorkTime.TradingDate(start));
        string[] files = [Write("app-d.dbn", definitions, false), Write("app-s.dbn", statistics, false), Write("app-t.dbn", trades, false), Write("app-c.dbn", tcbbo, false)];
        string[] import = ["import", .. files, "--to", "app", "--url", client.BaseAddress!.ToString(), "--api-key", Keys.Admin, "--batch-size", "2"];

        // The same files and batch size, first filtered then whole: the batch ids differ with the filter, so the app
        // never sees one key with two bodies (a 422); the print ids keep the prints sent twice from counting twice.
        foreach (var args in new string[][] { [.. import, "--symbols", "SPY", "--until", start.AddSeconds(2.5).ToString("O")], [.. import, "--restart"] })
        {
            var (exit, output) = await Runner().RunAsync(null, args);
            Assert.True(exit == 0, output);
        }

        app.Clock.Set(start.AddMinutes(1));
        var cumulative = JsonDocument.Parse(await client.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=60")).RootElement;
        Assert.Equal(3, cumulative.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()));
    }

    [Fact]
    public async Task AnEquityDatasetBecomesSpotPricesOnceASecondByTheFilesSymbology()
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 14, 0, 0, TimeSpan.Zero));
        var equities = new DbnFileWriter(2, "XNAS.ITCH", DbnFileWriter.Mbp1).Map("SPY", 15144, 20260601, 20260610)
            .Print(0x01, 15144, t0, 590_10 * Dollar / 100, 100)
            .Print(0x01, 15144, t0 + (Second / 2), 590_20 * Dollar / 100, 100)            // same second: not sent again
            .Print(0x01, 15144, t0 + Second, 0, 0, action: 'A', bid9: 590_00 * Dollar / 100, ask9: 590_03 * Dollar / 100) // a quote: its mid
            .Print(0x01, 99, t0 + (2 * Second), 1 * Dollar, 1);                           // no symbol
        var output = Path.Combine(_folder, "spot.ndjson");
        var (exit, text) = await Runner().RunAsync(null, ["import", Write("xnas.dbn", equities, false), "--ndjson", output]);
        Assert.True(exit == 0, text);
        Assert.Equal(
            """
            {"type":"spot","ts":"2026-06-05T14:00:00.000000000Z","underlying":"SPY","price":590.1}
            {"type":"spot","ts":"2026-06-05T14:00:01.000000000Z","underlying":"SPY","price":590.015}

            """.ReplaceLineEndings("\n"),
            File.ReadAllText(output));
        Assert.Contains("equity record of an instrument id the file's symbology does not name", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DbnFileWriter.Cbbo1S, "cbbo-1s samples the quote once a period")]
    [InlineData(DbnFileWriter.Ohlcv1M, "ohlcv-1m is bars, not prints")]
    public async Task SampledSchemasAreRefusedWithTheSchemaToGetInstead(ushort schema, string sentence)
    {
        var path = Write("sampled.dbn", new DbnFileWriter(3, "OPRA.PILLAR", schema), false);
        var output = Path.Combine(_folder, "none.ndjson");
        var (exit, text) = await Runner().RunAsync(null, ["import", path, "--ndjson", output]);
        Assert.Equal(1, exit);
        Assert.Empty(Directory.GetFiles(_folder, "none.ndjson*")); // no half file
        Assert.Contains(sentence, text, StringComparison.Ordinal);
        Assert.Contains("sampled.dbn", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileThatFailsPartWayLeavesNoNdjsonBehind()
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 13, 30, 0, TimeSpan.Zero));
        var (definitions, _, trades, _) = Day(3, t0);
        var bytes = trades.ToArray();
        var output = Path.Combine(_folder, "cut.ndjson");
        var (exit, text) = await Runner().RunAsync(null, ["import", Write("d.dbn", definitions, false), WriteBytes("cut.dbn", bytes[..^20]), "--ndjson", output]);
        Assert.Equal(1, exit);
        Assert.Contains("cut.dbn: at byte", text, StringComparison.Ordinal);
        Assert.Contains("it is truncated", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "cut.ndjson*"));
    }

    [Fact]
    public void BadFilesAreNamedWithTheirByteOffset()
    {
        var good = new DbnFileWriter(3, "OPRA.PILLAR", DbnFileWriter.Trades).Print(0x00, 1, 1, Dollar, 1).ToArray();
        Assert.Contains("at byte 0: not a DBN file", Error([.. "PK"u8, .. good[2..]]));
        var v9 = (byte[])good.Clone();
        v9[3] = 9;
        Assert.Contains("at byte 3: DBN version 9 is not one this build reads", Error(v9));
        Assert.Contains("the file ends 40 bytes into a 48-byte record: it is truncated", Error(good[..^8]));
        var shortTrade = (byte[])good.Clone();
        shortTrade[^48] = 8; // a trade that says it is 32 bytes
        Assert.Contains("a record of type 0x00 is 32 bytes; in DBN version 3 that type takes at least 48", Error(shortTrade));
        var badSymbol = new DbnFileWriter(2, "OPRA.PILLAR", DbnFileWriter.Definition).Define(7, 1, "NOT AN OPTION", 'C', 590 * Dollar, "SPY").ToArray();
        Assert.Contains("instrument 7's raw symbol \"NOT AN OPTION\" is not an OCC option symbol", Error(badSymbol));
    }

    [Fact]
    public void ADamagedFileNeverCrashesTheReader()
    {
        var t0 = Nanos(new DateTimeOffset(2026, 6, 5, 13, 30, 0, TimeSpan.Zero));
        var (definitions, statistics, trades, tcbbo) = Day(3, t0);
        var random = new Random(20261207);
        foreach (var writer in new[] { definitions, statistics, trades, tcbbo })
        {
            var bytes = writer.ToArray();
            for (var trial = 0; trial < 300; trial++)
            {
                var damaged = trial % 3 == 0 ? bytes[..random.Next(bytes.Length)] : (byte[])bytes.Clone();
                if (trial % 3 != 0)
                {
                    for (var flips = 0; flips < 1 + (trial % 5); flips++)
                    {
                        damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
                    }
                }

                try
                {
                    Import(damaged);
                }
                catch (VendorFormatException)
                {
                }
            }
        }
    }

    /// <summary>One day of SPY: definitions (v1–3 lay them out differently), open interest from two venues, prints.</summary>
    private static (DbnFileWriter Definitions, DbnFileWriter Statistics, DbnFileWriter Trades, DbnFileWriter Tcbbo) Day(int version, long t0, DateOnly? expiry = null)
    {
        var e = (expiry ?? new DateOnly(2026, 6, 5)).ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var definitions = new DbnFileWriter(version, "OPRA.PILLAR", DbnFileWriter.Definition)
            .Define(1001, t0 - (3600 * Second), $"SPY   {e}C00590000", 'C', 590 * Dollar, "SPY")
            .Define(1002, t0 - (3600 * Second), $"SPY   {e}P00585000", 'P', 585 * Dollar, "SPY");
        var statistics = new DbnFileWriter(version, "OPRA.PILLAR", DbnFileWriter.Statistics)
            .OpenInterest(1001, t0, 12_345, publisher: 20)
            .OpenInterest(1001, t0 + 10, 12_345, publisher: 21)
            .OpenInterest(1002, t0 + 20, 678)
            .OpenInterest(1002, t0 + 30, 5, statType: 3); // a statistic other than open interest
        var trades = new DbnFileWriter(version, "OPRA.PILLAR", DbnFileWriter.Trades)
            .Print(0x00, 1001, t0 + Second, 125 * Dollar / 100, 10, sequence: 7)
            .Print(0x00, 1002, t0 + (2 * Second), 81 * Dollar / 100, 5, sequence: 8)
            .Print(0x00, 4242, t0 + (2 * Second), 1 * Dollar, 1, sequence: 9); // never defined
        var tcbbo = new DbnFileWriter(version, "OPRA.PILLAR", DbnFileWriter.Tcbbo)
            .Print(0xC2, 1002, t0 + (2 * Second), 81 * Dollar / 100, 5, side: 'A', bid9: 80 * Dollar / 100, ask9: 82 * Dollar / 100, sequence: 8)
            .Print(0xC2, 1001, t0 + (3 * Second), 130 * Dollar / 100, 20, bid9: 128 * Dollar / 100, ask9: 131 * Dollar / 100, sequence: 10)
            .Print(0xB1, 1001, t0 + (4 * Second), 0, 0, action: 'A', bid9: 129 * Dollar / 100, ask9: 132 * Dollar / 100); // a quote update
        return (definitions, statistics, trades, tcbbo);
    }

    private FlowctlRunner Runner(string name = "import") => new(azurite.Account, AzuriteFixture.UniqueName(name), Secret);

    private string Write(string name, DbnFileWriter writer, bool zstd)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, writer.ToArray(zstd));
        return path;
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    private static int Import(byte[] bytes)
    {
        var sink = new CountingSink();
        using var reader = new DbnReader(new MemoryStream(bytes), "damaged.dbn");
        using var importer = new DatabentoImporter(sink, VendorFilter.All);
        importer.Import(reader);
        importer.Finish();
        return sink.Count;
    }

    private static string Error(byte[] bytes) => Assert.Throws<VendorFormatException>(() => Import(bytes)).Message;

    private sealed class CountingSink : IVendorEventSink
    {
        public int Count { get; private set; }

        public void Event(ReadOnlySpan<byte> json, string underlying, long timestampNanos) => Count++;
    }
}
