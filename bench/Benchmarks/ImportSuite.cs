using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FlowFunctions.Ingest.Vendors;
using FlowFunctions.Ingest.Vendors.Databento;
using FlowFunctions.Ingest.Vendors.Massive;
using FlowFunctions.Testing;
using FlowFunctions.Testing.Vendors;

namespace FlowFunctions.Benchmarks;

/// <summary>
/// <c>flowctl import</c>'s readers (docs/importing.md): a Databento tcbbo day (zstd DBN) and a Massive trades+quotes day
/// of 64 names (gzip CSV), each turned into the app's NDJSON on one thread, beside simply decompressing the same file
/// and walking its records or splitting its lines, in the same run; and the published flowctl's peak memory importing a
/// file beside its tenth, which must not grow with the file. Every rate is the best of three passes.
/// </summary>
public sealed class ImportSuite(Report report, string root)
{
    private const int Names = 64;
    private const int ContractsPerName = 100;
    private const int Passes = 3;
    private const long Second = 1_000_000_000L;

    public async Task RunAsync()
    {
        Console.WriteLine("import...");
        var folder = Directory.CreateDirectory(Path.Combine(root, "import")).FullName;
        var t0 = (new DateTimeOffset(2026, 6, 5, 13, 30, 0, TimeSpan.Zero).UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

        var definitions = Path.Combine(folder, "definition.dbn.zst");
        await File.WriteAllBytesAsync(definitions, Definitions(t0).ToArray(zstd: true));
        var dbn = WriteTcbbo(Path.Combine(folder, "tcbbo.dbn.zst"), t0, 4_000_000);
        var dbnTenth = WriteTcbbo(Path.Combine(folder, "tcbbo-tenth.dbn.zst"), t0, 400_000);
        var (massiveTrades, massiveQuotes) = WriteMassive(folder, t0, 1_000_000, 3_000_000);

        var walk = Best(() => WalkDbn(dbn));
        var dbnImport = Best(() => ImportDbn(definitions, dbn));
        report.Add(new Figure(
            "import of a Databento tcbbo day to NDJSON, records/s (one thread)",
            Fmt.N0(dbnImport),
            $"decompressing and walking its records: {Fmt.N0(walk)}",
            dbnImport / walk,
            Goal.AtLeast,
            0.5,
            "≥ 0.5x"));
        report.Add(new Figure("import of a Databento tcbbo day to NDJSON, records/s", Fmt.N0(dbnImport), "-", null, Goal.AtLeast, 1_000_000, "≥ 1,000,000 a second", dbnImport));

        var rows = 1_000_000 + 3_000_000;
        var split = Best(() => SplitLines([massiveTrades, massiveQuotes]));
        var massiveImport = Best(() => ImportMassive(massiveTrades, massiveQuotes));
        report.Add(new Figure(
            "import of a Massive trades+quotes day to NDJSON, rows/s (one thread)",
            Fmt.N0(massiveImport * rows),
            $"decompressing and splitting its lines: {Fmt.N0(split * rows)}",
            massiveImport / split,
            Goal.AtLeast,
            0.5,
            "≥ 0.5x"));

        var flowctl = Path.Combine(folder, "flowctl");
        await HandlerPublish.PublishAsync(Path.Combine(AzuriteProcess.RepositoryRoot(), "src", "Flowctl"), flowctl, Path.Combine(root, "artifacts"), TimeSpan.FromMinutes(5));
        var small = new List<long>();
        var large = new List<long>();
        for (var i = 0; i < Passes; i++)
        {
            small.Add(await PeakAsync(flowctl, [definitions, dbnTenth.Path]));
            large.Add(await PeakAsync(flowctl, [definitions, dbn.Path]));
        }

        var peakSmall = (long)Fmt.Percentile([.. small.Select(s => (double)s).Order()], 0.5);
        var peakLarge = (long)Fmt.Percentile([.. large.Select(s => (double)s).Order()], 0.5);
        report.Add(new Figure(
            $"flowctl import --ndjson, peak memory over {Fmt.N0(dbn.Records)} records",
            Fmt.Mb(peakLarge),
            $"the same import of {Fmt.N0(dbnTenth.Records)} records: {Fmt.Mb(peakSmall)}",
            (double)peakLarge / peakSmall,
            Goal.AtMost,
            1.25,
            "≤ 1.25x (memory does not grow with the file)"));

        var section = report.Section("flowctl import");
        section.AppendLine($"A Databento OPRA `tcbbo` day written by the tests' DBN writer (version 3, zstd): {Names} names × {ContractsPerName} contracts defined, {Fmt.N0(dbn.Records)} trades with their consolidated quote ({Fmt.Mb(dbn.Bytes)}). A Massive day of the same names: {Fmt.N0(1_000_000)} options trades and {Fmt.N0(3_000_000)} quotes, gzip CSV in Massive's order ({Fmt.Mb(new FileInfo(massiveTrades).Length + new FileInfo(massiveQuotes).Length)}). Each rate is the best of {Passes} passes on one thread, writing the NDJSON to a null stream; the baselines decompress the same files and walk the DBN records by their length byte, or split the CSV lines on commas. Peak memory is the published flowctl's VmHWM running `import --ndjson /dev/null` (median of {Passes}).").AppendLine();
        section.AppendLine(Report.Table(
            ["run", "records", "seconds a pass", "records/s"],
            [
                ["DBN: decompress and walk", Fmt.N0(dbn.Records), Fmt.F(dbn.Records / walk, 2), Fmt.N0(walk)],
                ["DBN: import to NDJSON", Fmt.N0(dbn.Records), Fmt.F(dbn.Records / dbnImport, 2), Fmt.N0(dbnImport)],
                ["Massive: decompress and split", Fmt.N0(rows), Fmt.F(1 / split, 2), Fmt.N0(split * rows)],
                ["Massive: import to NDJSON", Fmt.N0(rows), Fmt.F(1 / massiveImport, 2), Fmt.N0(massiveImport * rows)],
            ]));
    }

    private sealed record DbnDay(string Path, int Records, long Bytes);

    private static DbnFileWriter Definitions(long t0)
    {
        var writer = new DbnFileWriter(3, "OPRA.PILLAR", DbnFileWriter.Definition);
        for (var n = 0; n < Names; n++)
        {
            for (var c = 0; c < ContractsPerName; c++)
            {
                var strike = 100 + c;
                writer.Define(Id(n, c), t0 - (3600 * Second), $"{Root(n),-6}260605{(c % 2 == 0 ? 'C' : 'P')}{strike * 1000:D8}", c % 2 == 0 ? 'C' : 'P', strike * 1_000_000_000L, Root(n));
            }
        }

        return writer;
    }

    /// <summary>tcbbo records written straight to a zstd stream (the tests' writer holds a file in memory).</summary>
    private static DbnDay WriteTcbbo(string path, long t0, int records)
    {
        var header = new DbnFileWriter(3, "OPRA.PILLAR", DbnFileWriter.Tcbbo).ToArray();
        var random = new Random(42);
        using (var file = File.Create(path))
        using (var zstd = new ZstdSharp.CompressionStream(file, 3))
        {
            zstd.Write(header);
            var r = new byte[80];
            for (var i = 0; i < records; i++)
            {
                var price = (long)random.Next(5, 2_000) * 10_000_000; // $0.05 to $20.00
                r[0] = 20;
                r[1] = DbnLayout.Tcbbo;
                BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(2), 20);
                BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(4), Id(random.Next(Names), random.Next(ContractsPerName)));
                BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(8), t0 + (i * 5_000_000L));
                BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(16), price);
                BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(24), (uint)random.Next(1, 200));
                r[28] = (byte)'T';
                r[29] = (byte)'N';
                BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(32), t0 + (i * 5_000_000L) + 1_000);
                BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(48), price - 10_000_000);
                BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(56), price + 10_000_000);
                zstd.Write(r);
            }
        }

        return new DbnDay(path, records, new FileInfo(path).Length);
    }

    private static (string Trades, string Quotes) WriteMassive(string folder, long t0, int trades, int quotes)
    {
        var random = new Random(7);
        var tickers = Enumerable.Range(0, Names).SelectMany(n => Enumerable.Range(0, ContractsPerName).Select(c => $"O:{Root(n)}260605{(c % 2 == 0 ? 'C' : 'P')}{(100 + c) * 1000:D8}")).Order(StringComparer.Ordinal).ToList();
        string Write(string name, string header, int rows, Func<string, long, string> row)
        {
            var path = Path.Combine(folder, name);
            using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            using var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16);
            writer.Write(header);
            var perTicker = rows / tickers.Count;
            foreach (var ticker in tickers)
            {
                for (var i = 0; i < perTicker; i++)
                {
                    writer.Write(row(ticker, t0 + (i * 2 * Second) + random.Next(1_000_000)));
                }
            }

            return path;
        }

        var tradesPath = Write("trades.csv.gz", "ticker,conditions,correction,exchange,price,sip_timestamp,size\n", trades, (t, ts) => $"{t},209,0,312,{random.Next(5, 2000) / 100.0:0.00},{ts},{random.Next(1, 200)}\n");
        var quotesPath = Write("quotes.csv.gz", "ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,sequence_number,sip_timestamp\n", quotes, (t, ts) => $"{t},312,{random.Next(6, 2001) / 100.0:0.00},10,312,{random.Next(5, 2000) / 100.0:0.00},8,1,{ts}\n");
        return (tradesPath, quotesPath);
    }

    private static uint Id(int name, int contract) => (uint)((name * 1000) + contract + 1);

    private static string Root(int n) => "N" + ((char)('A' + (n / 26))).ToString() + ((char)('A' + (n % 26))).ToString();

    /// <summary>The best rate (per second) of <see cref="Passes"/> passes of <paramref name="pass"/>, which returns its own rate.</summary>
    private static double Best(Func<double> pass) => Enumerable.Range(0, Passes).Select(_ => pass()).Max();

    private static double WalkDbn(DbnDay day)
    {
        var clock = Stopwatch.StartNew();
        using var file = File.OpenRead(day.Path);
        using var zstd = new ZstdSharp.DecompressionStream(file);
        var buffer = new byte[1 << 16];
        int start = 0, end = 0, records = -1; // the metadata counts as one
        long sum = 0;
        while (true)
        {
            var read = zstd.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                break;
            }

            end += read;
            if (records < 0)
            {
                start = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4));
                records = 0;
            }

            while (end - start > 0 && end - start >= buffer[start] * 4)
            {
                sum += buffer[start + 1];
                start += buffer[start] * 4;
                records++;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        GC.KeepAlive(sum);
        return records / clock.Elapsed.TotalSeconds;
    }

    private static double ImportDbn(string definitions, DbnDay day)
    {
        var sink = new NullSink();
        using var importer = new DatabentoImporter(sink, VendorFilter.All);
        using (var defs = DbnReader.Open(definitions))
        {
            importer.Import(defs);
        }

        var clock = Stopwatch.StartNew();
        using (var reader = DbnReader.Open(day.Path))
        {
            importer.Import(reader);
        }

        importer.Finish();
        if (sink.Events != day.Records)
        {
            throw new InvalidOperationException($"The DBN import wrote {sink.Events:N0} events of {day.Records:N0} records.");
        }

        return day.Records / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Passes a second over both files, splitting every line on commas (the rate is files per second).</summary>
    private static double SplitLines(string[] files)
    {
        var clock = Stopwatch.StartNew();
        long fields = 0;
        foreach (var path in files)
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8, false, 1 << 16);
            while (reader.ReadLine() is { } line)
            {
                foreach (var _ in line.AsSpan().Split(','))
                {
                    fields++;
                }
            }
        }

        GC.KeepAlive(fields);
        return 1 / clock.Elapsed.TotalSeconds;
    }

    private static double ImportMassive(string trades, string quotes)
    {
        var sink = new NullSink();
        var clock = Stopwatch.StartNew();
        using (var importer = new MassiveImporter([trades, quotes], VendorFilter.All, sink))
        {
            while (importer.Step())
            {
            }
        }

        return 1 / clock.Elapsed.TotalSeconds;
    }

    private static async Task<long> PeakAsync(string flowctl, string[] files)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(flowctl, "flowctl.dll"), "import", .. files, "--ndjson", "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var peak = 0L;
        while (!process.HasExited)
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
            }

            await Task.Delay(50);
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"flowctl import failed: {await output}{await process.StandardError.ReadToEndAsync()}");
        }

        return peak;
    }

    /// <summary>Writes every event's bytes nowhere, counting them (as --ndjson to /dev/null would, without the syscalls).</summary>
    private sealed class NullSink : IVendorEventSink
    {
        public long Events { get; private set; }

        public long Bytes { get; private set; }

        public void Event(ReadOnlySpan<byte> json, string underlying, long timestampNanos)
        {
            Events++;
            Bytes += json.Length + 1;
        }
    }
}
