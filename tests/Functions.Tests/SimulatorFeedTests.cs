using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>The standalone app as <c>dotnet run</c> starts it: simulator on, data on every endpoint within seconds.</summary>
public sealed class SimulatorFeedTests
{
    [Theory]
    [InlineData("2026-06-05T18:45:00Z")] // Friday mid-session: live
    [InlineData("2026-11-21T17:00:00Z")] // Saturday: replays Friday
    [InlineData("2026-11-23T12:00:00Z")] // Monday 07:00 New York, before the open: replays Friday
    public async Task EveryEndpointShowsSimulatedDataSoonAfterStart(string wallNow)
    {
        using var factory = new FlowApiFactory(new Dictionary<string, string?> { ["Simulator:Enabled"] = "true" }, DateTimeOffset.Parse(wallNow));
        using var client = factory.ClientWithKey(Keys.Alpha);
        string[] urls =
        [
            "/v1/flow/options/SPY/cumulative",
            "/v1/flow/zero-dte/strike-flow/SPY",
            "/v1/flow/summary/SPY",
            "/v1/strategies/flow-anomaly/SPY",
            "/v1/flow/options/leaderboard",
        ];

        // Backfill normally takes a second or two; the bound only keeps a broken feed from hanging the suite.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var pending = new HashSet<string>(urls);
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var url in pending.ToArray())
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK && HasData(url, await response.Content.ReadFromJsonAsync<JsonElement>()))
                {
                    pending.Remove(url);
                }
            }

            await Task.Delay(100);
        }

        Assert.Empty(pending);
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal(wallNow != "2026-06-05T18:45:00Z", health.GetProperty("market_replay").GetBoolean());
    }

    [Theory]
    [InlineData("2026-06-05T13:30:00Z", null)]                   // 09:30 New York, Friday: open
    [InlineData("2026-06-05T19:59:59Z", null)]                   // 15:59:59: open
    [InlineData("2026-06-05T20:00:00Z", "2026-06-05T16:30:00Z")] // 16:00: closed, replay today
    [InlineData("2026-06-05T13:29:59Z", "2026-06-04T16:30:00Z")] // 09:29:59: replay Thursday
    [InlineData("2026-06-06T15:00:00Z", "2026-06-05T16:30:00Z")] // Saturday: replay Friday
    [InlineData("2026-06-08T03:00:00Z", "2026-06-05T16:30:00Z")] // Sunday 23:00 New York: replay Friday
    [InlineData("2026-11-21T17:00:00Z", "2026-11-20T17:30:00Z")] // Saturday in standard time: 12:30 EST
    public void TheMarketClockReplaysTheLatestSessionWhenClosed(string wall, string? replayStart)
    {
        var start = MarketClock.ReplayStart(DateTimeOffset.Parse(wall));
        Assert.Equal(replayStart is null ? null : DateTimeOffset.Parse(replayStart), start);
    }

    private static bool HasData(string url, JsonElement body) => url switch
    {
        _ when url.Contains("cumulative", StringComparison.Ordinal) => body.GetProperty("count").GetInt32() > 0,
        _ when url.Contains("strike-flow", StringComparison.Ordinal) => body.GetProperty("bars").GetArrayLength() > 0,
        _ when url.Contains("summary", StringComparison.Ordinal) => body.GetProperty("contracts_with_flow").GetInt32() > 0,
        _ when url.Contains("anomaly", StringComparison.Ordinal) => body.GetProperty("metrics").GetProperty("total_volume").GetInt64() > 0,
        _ => body.GetProperty("buyers").GetArrayLength() + body.GetProperty("sellers").GetArrayLength() > 0,
    };
}
