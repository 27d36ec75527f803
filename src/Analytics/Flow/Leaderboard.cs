using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Analytics.Flow;

/// <summary>Response of the leaderboard endpoint (docs/api.md; its route is declared once, in Functions/Api/Endpoints.cs).</summary>
public sealed record LeaderboardResponse(
    [property: JsonPropertyName("generatedUtc")] DateTimeOffset GeneratedUtc,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("windowMinutes")] int WindowMinutes,
    [property: JsonPropertyName("buyers")] IReadOnlyList<LeaderboardRow> Buyers,
    [property: JsonPropertyName("sellers")] IReadOnlyList<LeaderboardRow> Sellers);

public sealed record LeaderboardRow(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("netVolume")] long NetVolume,
    [property: JsonPropertyName("netNotional")] long NetNotional,
    [property: JsonPropertyName("buyVolume")] long BuyVolume,
    [property: JsonPropertyName("sellVolume")] long SellVolume,
    [property: JsonPropertyName("avgPremium")] double AvgPremium,
    [property: JsonPropertyName("tradeCount")] long TradeCount,
    [property: JsonPropertyName("lastTradeUtc")] DateTimeOffset LastTradeUtc);

/// <summary>
/// Cross-symbol ranking (docs/methodology.md §6): each symbol's window totals become a row; buyers are rows with netNotional &gt; 0,
/// largest first; sellers rows with netNotional &lt; 0, most negative first; ties by symbol (ordinal). Thread-safe.
/// </summary>
public static class Leaderboard
{
    public const int DefaultN = 10;
    public const int MaxN = 50;
    public const int DefaultWindowMinutes = 240;
    public const int MaxWindowMinutes = 10_080;

    public static int ClampN(int n) => Math.Clamp(n, 1, MaxN);

    public static int ClampWindow(int minutes) => Math.Clamp(minutes, 1, MaxWindowMinutes);

    public static LeaderboardRow Row(string symbol, in FlowTally totals) => new(
        symbol,
        Rounding.Count(totals.NetVolume),
        Rounding.DollarsFromCents(totals.NetPremiumCents),
        Rounding.Count(totals.BuyVolume),
        Rounding.Count(totals.SellVolume),
        Rounding.Price(totals.Vwap),
        totals.TradeCount,
        Rounding.Seconds(totals.Last.Timestamp));

    /// <param name="totals">Each symbol's totals over the window (one entry per symbol).</param>
    public static LeaderboardResponse Build(IEnumerable<KeyValuePair<string, FlowTally>> totals, int n, int windowMinutes, DateTimeOffset generatedUtc)
    {
        n = ClampN(n);
        var buyers = new List<(Int128 Net, string Symbol, FlowTally Totals)>();
        var sellers = new List<(Int128 Net, string Symbol, FlowTally Totals)>();
        foreach (var (symbol, t) in totals)
        {
            if (t.IsEmpty)
            {
                continue;
            }

            var net = t.NetPremiumCents;
            if (net > 0)
            {
                buyers.Add((net, symbol, t));
            }
            else if (net < 0)
            {
                sellers.Add((net, symbol, t));
            }
        }

        buyers.Sort((a, b) => a.Net != b.Net ? b.Net.CompareTo(a.Net) : string.CompareOrdinal(a.Symbol, b.Symbol));
        sellers.Sort((a, b) => a.Net != b.Net ? a.Net.CompareTo(b.Net) : string.CompareOrdinal(a.Symbol, b.Symbol));
        return new LeaderboardResponse(
            Rounding.Seconds(generatedUtc),
            n,
            ClampWindow(windowMinutes),
            Top(buyers, n),
            Top(sellers, n));
    }

    private static LeaderboardRow[] Top(List<(Int128 Net, string Symbol, FlowTally Totals)> ranked, int n)
    {
        var rows = new LeaderboardRow[Math.Min(n, ranked.Count)];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Row(ranked[i].Symbol, ranked[i].Totals);
        }

        return rows;
    }
}
