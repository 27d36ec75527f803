using System.Net;
using System.Text.Json;
using FlowFunctions.Functions.Api;

namespace FlowFunctions.Testing;

/// <summary>Every endpoint's answer for a set of symbols, read with the alpha key at the app's current clock.</summary>
public static class EndpointAnswers
{
    /// <summary>
    /// Every query endpoint of the declarations (Api/Endpoints.cs), for each symbol when it takes one, with every
    /// combination of its query parameters' test values: a window of 15, 390 and its maximum (those below the maximum),
    /// an expiry absent and today, the one bar. A new endpoint or parameter is covered by its declaration.
    /// </summary>
    public static IEnumerable<string> Paths(IEnumerable<string> symbols, DateOnly today)
    {
        var list = symbols.ToList();
        foreach (var endpoint in Endpoints.All.Where(e => e.Query is not null))
        {
            var takesSymbol = endpoint.Parameters.Any(p => p.Kind == ParameterKind.Symbol);
            foreach (var symbol in takesSymbol ? list.Select(s => (string?)s) : [null])
            {
                foreach (var query in Queries(endpoint.Parameters.Where(p => p.Source == ParameterSource.Query).ToList(), today))
                {
                    yield return endpoint.Url(symbol, query);
                }
            }
        }
    }

    private static IEnumerable<string> Queries(IReadOnlyList<EndpointParameter> parameters, DateOnly today)
    {
        IEnumerable<string> combinations = [string.Empty];
        foreach (var p in parameters)
        {
            var values = p.Kind switch
            {
                ParameterKind.WholeNumber => new[] { 15, 390, p.Maximum }.Where(v => v <= p.Maximum).Distinct().Select(v => $"{p.Name}={v}").ToArray(),
                ParameterKind.Date => [string.Empty, $"{p.Name}={today:yyyy-MM-dd}"],
                ParameterKind.Bar => [$"{p.Name}=1m"],
                _ => [string.Empty],
            };
            combinations = combinations.SelectMany(c => values.Select(v => string.Join('&', new[] { c, v }.Where(x => x.Length > 0)))).ToList();
        }

        return combinations;
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
