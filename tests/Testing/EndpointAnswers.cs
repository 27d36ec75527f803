using System.Net;
using System.Text.Json;

namespace FlowFunctions.Testing;

/// <summary>Every endpoint's answer for a set of symbols, read with the alpha key at the app's current clock.</summary>
public static class EndpointAnswers
{
    public static IEnumerable<string> Paths(IEnumerable<string> symbols, DateOnly today)
    {
        var expiry = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var s in symbols)
        {
            yield return $"/v1/strategies/flow-anomaly/{s}";
            yield return $"/v1/flow/summary/{s}";
            yield return $"/v1/flow/summary/{s}?expiry={expiry}";
            yield return $"/v1/flow/options/{s}/cumulative?minutes=390";
            yield return $"/v1/flow/options/{s}/cumulative?minutes=10080";
            yield return $"/v1/flow/zero-dte/strike-flow/{s}?bar=1m&minutes=390";
        }

        foreach (var window in new[] { 15, 390, 10_080 })
        {
            yield return $"/v1/flow/options/leaderboard?n=50&windowMinutes={window}";
        }
    }

    public static async Task<SortedDictionary<string, string>> ReadAsync(FlowApiFactory app, IEnumerable<string> symbols, DateOnly today)
    {
        using var client = app.ClientWithKey(Keys.Alpha);
        var answers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Paths(symbols, today))
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
            answers[path] = body;
        }

        return answers;
    }

    /// <summary>Asserts two readings are identical, naming the first path that differs.</summary>
    public static void AssertSame(SortedDictionary<string, string> clean, SortedDictionary<string, string> actual)
    {
        Assert.Equal(clean.Keys, actual.Keys);
        foreach (var (path, body) in clean)
        {
            var at = FirstDifference(body, actual[path]);
            Assert.True(body == actual[path], $"{path} differs from the clean pass at character {at}\nclean:  {Excerpt(body, at)}\nfaults: {Excerpt(actual[path], at)}");
        }
    }

    /// <summary>Prints counted by the cumulative answers (all windows of 10,080 minutes): proof a reading is not empty.</summary>
    public static int Prints(SortedDictionary<string, string> answers) => answers
        .Where(a => a.Key.Contains("cumulative?minutes=10080", StringComparison.Ordinal))
        .Sum(a => JsonDocument.Parse(a.Value).RootElement.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()));

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    /// <summary>Up to 600 characters of <paramref name="body"/> around character <paramref name="at"/>.</summary>
    private static string Excerpt(string body, int at)
    {
        var from = Math.Clamp(at - 300, 0, body.Length);
        var to = Math.Min(body.Length, from + 600);
        return (from > 0 ? "…" : string.Empty) + body[from..to] + (to < body.Length ? "…" : string.Empty);
    }
}
