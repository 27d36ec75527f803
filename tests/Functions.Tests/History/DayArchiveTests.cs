using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using FlowFunctions.Functions.Archive;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Archive;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.History;

/// <summary>
/// The day archive (docs/storage.md "Day archive"): the README's DuckDB query over the Parquet files gives the
/// cumulative endpoint's points for a past day, and the close writes a settled date once.
/// </summary>
public sealed partial class DayArchiveTests : IDisposable
{
    /// <summary>17:00 New York on the simulated Friday: its session has settled.</summary>
    private static readonly DateTimeOffset Evening = new(2026, 6, 5, 21, 0, 0, TimeSpan.Zero);

    private readonly string _lake = Path.Combine(Path.GetTempPath(), "flow-lake-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheReadmesDuckDbQueryGivesTheCumulativeEndpointsPointsFromTheArchive()
    {
        await using var app = new FlowApiFactory(now: Evening);
        foreach (var payload in SimulatedDays.Payloads(SimulatedDays.Simulator(seed: 7, symbols: 4, intensity: 0.3).FullDay(), 5_000))
        {
            await app.IngestAsync(payload);
        }

        var result = await DayArchive.WriteAsync(app.Services.GetRequiredService<IFlowStore>(), new DateOnly(2026, 6, 5), new DirectoryArchiveSink(_lake), default);
        Assert.True(result.Symbols >= 4, result.ToString());
        Assert.True(result.MinuteRows > 300 && result.ContractRows > 0 && result.ZeroDteRows > 0, result.ToString());

        using var alpha = app.ClientWithKey(Keys.Alpha);
        using var answer = JsonDocument.Parse(await alpha.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=1440&at=2026-06-05T17:00:00-04:00"));
        var expected = answer.RootElement.GetProperty("points").EnumerateArray()
            .Select(p => $"{p.GetProperty("ts").GetString()} {p.GetProperty("netVolume").GetInt64()} {p.GetProperty("cumulative").GetInt64()} {p.GetProperty("vwap").GetDouble().ToString(CultureInfo.InvariantCulture)} {p.GetProperty("tradeCount").GetInt64()}")
            .ToArray();
        Assert.True(expected.Length > 300);

        var sql = ReadmeQuery().Replace("'lake/", $"'{_lake}/", StringComparison.Ordinal);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        var actual = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                actual.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {Int(reader.GetValue(1))} {Int(reader.GetValue(2))} {reader.GetDouble(3)} {reader.GetInt64(4)}"));
            }
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task TheCloseWritesTheSettledDateOnceAndNothingBeforeItSettles()
    {
        var settings = new Dictionary<string, string?> { ["Archive:Directory"] = _lake + Path.DirectorySeparatorChar }; // a trailing separator is the same folder
        await using var app = new FlowApiFactory(settings, now: Evening.AddHours(-1)); // 16:00 New York: not settled
        await app.IngestAsync([new { type = "trade", ts = "2026-06-05T19:59:00Z", id = "a-1", underlying = "SPY", expiry = "2026-06-19", strike = 590, right = "C", price = 5.1, size = 10, side = "buy" }]);
        var archive = app.Services.GetRequiredService<ArchiveJob>();

        // Before 16:15 the settled date is Thursday, which had no flow: its marker, no files.
        await app.Services.GetRequiredService<SnapshotJob>().RunAsync(default);
        Assert.True(File.Exists(Path.Combine(_lake, DayArchive.MarkerOf(new DateOnly(2026, 6, 4)))));
        Assert.False(Directory.Exists(Path.Combine(_lake, "minutes")));

        app.Clock.Advance(TimeSpan.FromMinutes(16));
        var written = await archive.RunDueAsync(default);
        Assert.NotNull(written);
        Assert.Equal((1, 2), (written.Symbols, written.Files));
        Assert.True(File.Exists(Path.Combine(_lake, DayArchive.PathOf("minutes", new DateOnly(2026, 6, 5), "SPY"))));
        Assert.True(File.Exists(Path.Combine(_lake, DayArchive.PathOf("contracts", new DateOnly(2026, 6, 5), "SPY"))));

        // Once: a second run, and a fresh instance that finds the marker, write nothing.
        Assert.Null(await archive.RunDueAsync(default));
        var again = new ArchiveJob(app.Services.GetRequiredService<IFlowStore>(), new DirectoryArchiveSink(_lake), app.Services.GetRequiredService<Hosting.MarketClock>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<ArchiveJob>.Instance);
        Assert.Null(await again.RunDueAsync(default));
    }

    public void Dispose()
    {
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }

    /// <summary>DuckDB sums 64-bit integers into 128-bit ones.</summary>
    private static long Int(object value) => value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>The SQL between the README's <c>archive-query</c> markers.</summary>
    private static string ReadmeQuery()
    {
        var readme = File.ReadAllText(Path.Combine(AzuriteProcess.RepositoryRoot(), "README.md"));
        return QueryBlock().Match(readme) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("README.md has no archive-query block.");
    }

    [GeneratedRegex(@"<!-- archive-query -->\s*```sql\n(.*?)```\s*<!-- /archive-query -->", RegexOptions.Singleline)]
    private static partial Regex QueryBlock();
}
