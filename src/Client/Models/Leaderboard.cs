using System.Text.Json.Serialization;

namespace FlowFunctions.Client.Models;

/// <summary>The leaderboard (<see cref="FlowFunctionsClient.GetLeaderboardAsync"/>; alpha plan): the names with the most net premium bought and sold.</summary>
/// <param name="GeneratedUtc">When the 30-second snapshot behind the answer was built.</param>
/// <param name="N">Rows per side used (1–50).</param>
/// <param name="WindowMinutes">The window used (1–10,080).</param>
/// <param name="Buyers">Net premium bought (&gt; 0), largest first.</param>
/// <param name="Sellers">Net premium sold (&lt; 0), most negative first.</param>
public sealed record Leaderboard(
    [property: JsonPropertyName("generatedUtc")] DateTimeOffset GeneratedUtc,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("windowMinutes")] int WindowMinutes,
    [property: JsonPropertyName("buyers")] IReadOnlyList<LeaderboardRow> Buyers,
    [property: JsonPropertyName("sellers")] IReadOnlyList<LeaderboardRow> Sellers);

/// <param name="NetVolume">Contracts bought − sold.</param>
/// <param name="NetNotional">Premium bought − sold, USD.</param>
/// <param name="AvgPremium">Σ price·size / Σ size over the window's prints.</param>
/// <param name="LastTradeUtc">The latest print.</param>
public sealed record LeaderboardRow(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("netVolume")] long NetVolume,
    [property: JsonPropertyName("netNotional")] long NetNotional,
    [property: JsonPropertyName("buyVolume")] long BuyVolume,
    [property: JsonPropertyName("sellVolume")] long SellVolume,
    [property: JsonPropertyName("avgPremium")] double AvgPremium,
    [property: JsonPropertyName("tradeCount")] long TradeCount,
    [property: JsonPropertyName("lastTradeUtc")] DateTimeOffset LastTradeUtc);
