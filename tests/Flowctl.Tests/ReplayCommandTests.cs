using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowFunctions.Testing;
using Spectre.Console;

namespace FlowFunctions.Flowctl.Tests;

/// <summary><c>flowctl replay</c> against Azurite: resumable without double counting, refusals by line number, CSV layouts, the app and Event Hubs targets.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class ReplayCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const string Secret = "flowctl-replay-test-secret";
    private readonly string _folder = Directory.CreateTempSubdirectory("flowctl-replay-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AnInterruptedReplayResumesWithoutDoubleCountingAndNamesTheBadLine()
    {
        var tape = SessionTape.EndingAt(DateTimeOffset.UtcNow, 2, intensity: 0.05);
        var lines = tape.Deliveries(int.MaxValue, 1)[0][0].Messages.ToList();
        lines.Insert(6, "{\"type\":\"trade\",\"ts\":\"2026-06-05T18:00:00Z\",\"underlying\":\"SPY\",\"price\":\"abc\"}"); // line 7
        lines.Insert(1_000, "{\"type\":\"trade\""); // line 1,001, in the fourth batch, read ahead while the third is sent
        var path = Path.Combine(_folder, "tape.ndjson.gz");
        await using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("replay"), Secret);
        var (exit, first) = await flowctl.RunAsync(null, "replay", path, "--to", "storage", "--batch-size", "300", "--max-batches", "3");
        Assert.True(exit == 2, first);
        Assert.Contains("Stopped: 901 lines, 900 events accepted, 1 refused", first, StringComparison.Ordinal); // batches of 300 events
        Assert.Contains("line 7: price must be a number", first, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1001", first, StringComparison.Ordinal); // counted only with its batch

        var checkpoint = path + ".checkpoint.json";
        var afterThreeBatches = await File.ReadAllTextAsync(checkpoint);
        (exit, var second) = await flowctl.RunAsync(null, "replay", path, "--to", "storage", "--batch-size", "300");
        Assert.True(exit == 0, second);
        Assert.Contains("Resumed after line 901", second, StringComparison.Ordinal);
        Assert.Contains($"Done: {lines.Count:N0} lines, {lines.Count - 2:N0} events accepted, 2 refused", second, StringComparison.Ordinal);
        Assert.Contains("line 1001: ", second, StringComparison.Ordinal);

        // Interrupted after batches were sent but before their checkpoint was written (here: the checkpoint of three
        // batches in): they go again under the same batch ids and count once. The batch size comes from the checkpoint.
        await File.WriteAllTextAsync(checkpoint, afterThreeBatches);
        (exit, var third) = await flowctl.RunAsync(null, "replay", path, "--to", "storage", "--batch-size", "100");
        Assert.True(exit == 0, third);
        Assert.Contains("Resumed after line 901", third, StringComparison.Ordinal);
        Assert.Contains("batches of 300 events, as when it started", third, StringComparison.Ordinal);

        var now = DateTimeOffset.UtcNow;
        using var reader = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, flowctl.Prefix, functionApp: false), now);
        var answers = await EndpointAnswers.ReadAsync(reader, tape.Symbols, tape.TradingDate);
        Assert.Equal(tape.Prints, EndpointAnswers.Prints(answers));
    }

    [Fact]
    public async Task EveryRefusalIsCountedByReasonAndTheFirstAreNamedByLine()
    {
        // 12,000 refused lines of two kinds, more than the summary once kept (10,000): the table counts every one.
        var lines = Enumerable.Range(0, 12_000).Select(i => i % 12 == 0
            ? "{\"type\":\"trade\""
            : "{\"type\":\"trade\",\"ts\":\"2026-06-05T18:00:00Z\",\"underlying\":\"SPY\",\"price\":\"abc\"}");
        var path = await WriteAsync("refused.ndjson", string.Join('\n', lines));
        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("refused"), Secret);
        var (exit, output) = await flowctl.RunAsync(null, "replay", path, "--to", "storage", "--rejects", path + ".csv");
        Assert.True(exit == 0, output);
        Assert.Contains("Done: 12,000 lines, 0 events accepted, 12,000 refused", output, StringComparison.Ordinal);
        Assert.Matches(@"11,000\s*[│|]\s*price must be a number", output);
        Assert.Matches(@"\b1,000\s*[│|]", output);
        Assert.Equal(20, Regex.Count(output, @"^  line \d+: ", RegexOptions.Multiline));
        Assert.Contains("  line 1: ", output, StringComparison.Ordinal);
        Assert.Equal(12_001, File.ReadLines(path + ".csv").Count()); // the header and every refusal
    }

    [Fact]
    public async Task VendorCsvLayoutsFoldToWhatTheNdjsonFoldsTo()
    {
        var now = DateTimeOffset.UtcNow;
        var today = Analytics.Time.NewYorkTime.TradingDate(now);
        var expiry = today.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var iso = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var ts = now.AddMinutes(-30);
        var epochNs = ts.ToUnixTimeMilliseconds() * 1_000_000;
        var occ = Path.Combine(_folder, "occ.csv");
        await File.WriteAllLinesAsync(occ,
        [
            "sip_timestamp,option_symbol,price,size,side,exchange,conditions",
            $"{epochNs},O:SPY{expiry}C00590000,1.25,10,buy,CBOE,sweep",
            $"{epochNs + 1_000_000_000},O:SPY{expiry}P00585000,0.80,5,sell,\"PHLX\",",
            $"{epochNs + 2_000_000_000},O:SPY{expiry}C00590000,not-a-price,5,buy,CBOE,",
        ]);
        var columns = Path.Combine(_folder, "columns.csv");
        await File.WriteAllLinesAsync(columns,
        [
            "Timestamp,Underlying,Expiration,Strike,Put_Call,Trade_Price,Quantity,Aggressor",
            $"{ts:O},SPY,{iso},590,call,1.25,10,buy",
            $"{ts.AddSeconds(1):O},SPY,{iso},585,P,0.80,5,sell",
        ]);

        var bySymbol = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("csvocc"), Secret);
        var (exit, output) = await bySymbol.RunAsync(null, "replay", occ, "--to", "storage");
        Assert.True(exit == 0, output);
        Assert.Contains("2 events accepted, 1 refused", output, StringComparison.Ordinal);
        Assert.Contains("line 4: price must be a number", output, StringComparison.Ordinal);
        var byColumns = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("csvcol"), Secret);
        (exit, output) = await byColumns.RunAsync(null, "replay", columns, "--to", "storage");
        Assert.True(exit == 0, output);

        using var a = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, bySymbol.Prefix, functionApp: false), now);
        using var b = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, byColumns.Prefix, functionApp: false), now);
        var expected = await EndpointAnswers.ReadAsync(a, ["SPY"], today);
        Assert.Equal(2, EndpointAnswers.Prints(expected));
        EndpointAnswers.AssertSame(expected, await EndpointAnswers.ReadAsync(b, ["SPY"], today));

        (exit, output) = await bySymbol.RunAsync(null, "replay", await WriteAsync("bad.csv", "when,what\n1,2"), "--to", "storage");
        Assert.Equal(1, exit);
        Assert.Contains("The CSV header lacks ts, price, size", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntoARunningAppEachBatchCarriesAnIdempotencyKey()
    {
        // From the command line (--to app --url) to the app over a real socket, as a user runs it.
        using var app = new FlowApiFactory();
        app.StartOnLoopback();
        using var client = app.ClientWithKey(Keys.Alpha);
        var lines = Enumerable.Range(0, 25).Select(i => JsonSerializer.Serialize(TestEvents.Trade(HandTapes.At(18, 0, i), "SPY", "2026-06-05", 590, "C", 1.0 + (i * 0.01), 1 + i, side: "buy"))).ToList();
        var path = await WriteAsync("app.ndjson", string.Join('\n', lines));
        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("replayapp"), Secret);
        string[] replay = ["replay", path, "--to", "app", "--url", client.BaseAddress!.ToString(), "--api-key", Keys.Admin, "--batch-size", "10"];
        foreach (var args in new[] { replay, [.. replay, "--restart"] })
        {
            var (exit, output) = await flowctl.RunAsync(null, args);
            Assert.True(exit == 0, output);
            Assert.Contains("Done: 25 lines, 25 events accepted, 0 refused", output, StringComparison.Ordinal);
        }

        // Sent twice (the second run ignored its checkpoint): the app answered the first receipts.
        app.Clock.Set(HandTapes.At(18, 1, 0));
        var cumulative = JsonDocument.Parse(await client.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=60")).RootElement;
        Assert.Equal(25, cumulative.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()));

        var (refused, message) = await flowctl.RunAsync(null, "replay", path, "--to", "app", "--url", "localhost:7071", "--api-key", Keys.Admin);
        Assert.Equal(1, refused);
        Assert.Contains("--url \"localhost:7071\" is not an http or https URL", message, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
