using System.Net;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.History;

/// <summary>
/// Loading a past day while today's feed runs (docs/api.md "History", "Retention"): a past trading date of the
/// retention is accepted, goes on no live stream, is valued with its own day's spots, and leaves today's answers as
/// they were; a date before the retention is refused with its reason.
/// </summary>
public sealed class BackfillTests
{
    /// <summary>Monday 2026-06-08, 11:00 New York; Friday 2026-06-05 is two calendar days back, one trading day.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 6, 8, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task APastDayLoadedWhileTodaysFeedRunsReachesNoStreamAndIsValuedWithItsOwnSpots()
    {
        await using var app = new FlowApiFactory(now: Monday);

        // Today's feed: a spot of 600 and a block print.
        await app.IngestAsync([
            new { type = "spot", ts = "2026-06-08T14:59:00Z", underlying = "SPY", price = 600.0 },
            Block("2026-06-08T14:59:30Z", "2026-06-08", "t-1"),
        ]);
        using var alpha = app.ClientWithKey(Keys.Alpha);
        var todayBefore = await alpha.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=60");

        // Friday's day, loaded now: its spot was 590, and its 0DTE block carries none of its own.
        var receipt = await app.IngestAsync([
            new { type = "spot", ts = "2026-06-05T18:00:00Z", underlying = "SPY", price = 590.0 },
            Block("2026-06-05T18:30:00Z", "2026-06-05", "f-1"),
        ]);
        Assert.Equal(0, receipt.GetProperty("rejected").GetInt32());

        var journal = app.Services.GetRequiredService<IStreamJournal>();
        Assert.Empty(await journal.ReadAsync(new DateOnly(2026, 6, 5), 0, 10, default));
        Assert.NotEmpty(await journal.ReadAsync(new DateOnly(2026, 6, 8), 0, 10, default));

        // Valued at Friday's 590: the strike-flow cell's delta-dollars are those of a 590 spot, not today's 600.
        var store = app.Services.GetRequiredService<IFlowStore>();
        var friday = MinuteBucket.Of(DateTimeOffset.Parse("2026-06-05T18:30:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cell = Assert.Single(await store.ReadZeroDteAsync("SPY", friday, friday, default));
        var trade = Assert.Single(new EventParser(new SymbolTable()).Parse(JsonSerializer.SerializeToUtf8Bytes(new[] { Block("2026-06-05T18:30:00Z", "2026-06-05", "f-1") })).Trades);
        var (delta, _) = FlowFold.SignedDollarCents(trade, 1, 590.0, 0.2, Analytics.Pricing.PricingParameters.Default);
        Assert.Equal(delta, (long)cell.Value.SignedDeltaCents);

        // Today's answers did not move, and Friday answers as of its own afternoon.
        Assert.Equal(todayBefore, await alpha.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=60"));
        using var past = await alpha.GetAsync("/v1/flow/options/SPY/cumulative?minutes=60&at=2026-06-05T14:45:00-04:00");
        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        Assert.Contains("\"count\":1", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventBeforeTheRetentionIsRefusedWithItsReason()
    {
        await using var app = new FlowApiFactory(now: Monday);
        var receipt = await app.IngestAsync([Block("2026-05-29T18:30:00Z", "2026-05-29", "old-1")]);
        Assert.Equal(1, receipt.GetProperty("rejected").GetInt32());
        Assert.Contains("before the accepted window, which starts at 2026-06-0", receipt.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A 0DTE buy of 1,200 calls (a block by size), no spot of its own, IV 0.2.</summary>
    private static object Block(string ts, string expiry, string id) =>
        new { type = "trade", ts, id, underlying = "SPY", expiry, strike = 595, right = "C", price = 2.5, size = 1_200, side = "buy", iv = 0.2 };
}
