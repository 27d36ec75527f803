using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// 10,000 random requests against the app on Azurite (so that anything reaching a Table filter reaches a real one):
/// random methods, paths (the real routes with hostile segments, traversal, junk), parameters (negative, huge,
/// non-numeric, Table-filter injection), keys, headers and bodies. No answer is 5xx, no answer carries another
/// symbol's or another key's data or any key, and afterwards the app is healthy and answers exactly what it answered
/// before.
/// </summary>
public sealed class HostileHttpTests(DedicatedAzurites azurites, ITestOutputHelper output) : OwnAzuriteFaultTest(azurites, output)
{
    private const int Requests = 10_000;
    private const int Parallelism = 8;

    private static readonly string[] Hostile =
    [
        "", " ", "spy", " SPY ", "SPY'", "SPY' or PartitionKey ne '", "' or ''='", "SPY%27%20or%20RowKey%20gt%20%27", "SPY') or (PartitionKey ge '",
        "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "..", ".", "SPY%00", "%00", "SPY%0d%0aX-Injected:%201",
        "ŠPY", "%F0%9F%9A%80", "%E2%80%AESPY", "%C0%AF", "%ZZ", "%", "SPY;QQQ", "SPY,QQQ", "SPY|QQQ", "*", "SPY*", "$filter", "%24filter=PartitionKey%20ne%20''",
        "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x}", "AAAAAAAAAAAAA", "SPY.", "BRK.B", "BRK-B", "_", "-", "0", "ZZZZ", "NOTASYMBOL",
    ];

    private static readonly string[] Plain = ["SPY", "QQQ", "AAPL", "NVDA", "TSLA", "IWM"];

    private static readonly string[] Values =
    [
        "-1", "0", "1", "60", "390", "391", "10080", "10081", "-2147483649", "2147483648", "99999999999999999999999", "1e308", "1e-308", "NaN", "Infinity",
        "-Infinity", "0x10", "1.5", "", " ", "abc", "' or 1 eq 1 or '", "%27", "null", "[]", "{}", "true", "2026-06-05", "2026-13-45", "0001-01-01", "9999-12-31",
        "2026-06-05T00:00:00Z", "1m", "5m", "1M", "1h", "%00", new string('9', 5_000), new string('x', 20_000),
    ];

    private static readonly string[] ParameterNames = ["minutes", "n", "windowMinutes", "bar", "expiry", "apiKey", "symbol", "$filter", "PartitionKey", "x"];

    private static readonly string[] Routes =
    [
        "/v1/strategies/flow-anomaly/{s}", "/v1/flow/summary/{s}", "/v1/flow/options/{s}/cumulative", "/v1/flow/zero-dte/strike-flow/{s}",
        "/v1/flow/options/leaderboard", "/v1/account", "/v1/ingest/events", "/health", "/", "/v1/openapi.json", "/IngestEvents", "/SnapshotLeaderboard",
        "/v1/{s}", "/{s}", "/v1/flow/{s}/{s}", "/v1/flow/options/{s}/cumulative/{s}", "/v2/flow/summary/{s}", "/V1/FLOW/SUMMARY/{s}",
    ];

    private static readonly string[] Methods = ["GET", "GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

    [Fact]
    public async Task TenThousandHostileRequestsAnswerWithoutServerErrorsOrLeaks()
    {
        var seed = Environment.TickCount;
        await using var own = await Azurite.StartOwnAsync();
        var settings = FlowApiFactory.AzureSettings(own.Account, AzuriteFixture.UniqueName("fuzz"), functionApp: false);
        settings["Plans:alpha:PerMinuteLimit"] = "0";
        using var app = new FlowApiFactory(settings, FaultApps.AfterClose);

        // Over real sockets to Kestrel: the in-memory test server refuses some requests (a NUL in the path) before the
        // app could, where Kestrel lets the app's own pipeline answer them.
        app.StartOnLoopback();
        var tape = SessionTape.Simulate(FaultApps.Date, 3, TimeSpan.Zero, intensity: 0.05);
        using (var admin = app.ClientWithKey(Keys.Admin))
        {
            foreach (var part in tape.Deliveries(2_000, 1)[0])
            {
                using var content = new StringContent(string.Join('\n', part.Messages), Encoding.UTF8, "application/x-ndjson");
                using var ingested = await admin.PostAsync("/v1/ingest/events", content);
                Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
            }
        }

        var before = await EndpointAnswers.ReadAsync(app, tape.Symbols, FaultApps.Date);
        var names = new Dictionary<string, string>
        {
            [Keys.Free] = "Development free",
            [Keys.Basic] = "Development basic",
            [Keys.Growth] = "Development growth",
            [Keys.Alpha] = "Development alpha",
            [Keys.Admin] = "Development admin",
        };
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(async _ =>
        {
            using var client = app.CreateClient();
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                var random = new Random(HashCode.Combine(seed, i));
                var (request, symbol, key) = Build(random);
                using (request)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await client.SendAsync(request);
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
                    {
                        // Kestrel refuses a bad request line, target or headers (a NUL in the path, 414, 431) and closes
                        // the connection while the client may still be sending the body: refused before the app.
                        if (e is HttpRequestException && request.Content is not null && await RefusedBeforeTheBodyAsync(client, request) is { } refused)
                        {
                            statuses.AddOrUpdate(refused, 1, (_, n) => n + 1);
                            continue;
                        }

                        failures.Enqueue($"#{i} {request.Method} {Excerpt(request.RequestUri!.ToString())}: {e.GetType().Name} {e.Message}");
                        continue;
                    }

                    using (response)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                        if (Check(request, response, body, symbol, key, tape.Symbols, names) is { } problem)
                        {
                            var sent = request.Content is null ? string.Empty : " body " + Excerpt(Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync()));
                            failures.Enqueue($"#{i} {request.Method} {Excerpt(request.RequestUri!.ToString())}: {(int)response.StatusCode} {problem} {Excerpt(body)}{sent}");
                        }
                    }
                }
            }
        }));

        Output.WriteLine($"seed {seed}: {Requests:N0} requests; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} bad answers, first: {string.Join("\n", failures.Take(10))}");

        using var plain = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health")).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(1)); // past the shared answers' 500 ms
        app.Clock.Set(FaultApps.AfterClose);
        EndpointAnswers.AssertSame(before, await EndpointAnswers.ReadAsync(app, tape.Symbols, FaultApps.Date));
    }

    /// <summary>One random request; the symbol segment it used (or null) and the key it presented (or null).</summary>
    private static (HttpRequestMessage Request, string? Symbol, string? Key) Build(Random random)
    {
        string? symbol = null;
        var route = Routes[random.Next(Routes.Length)];
        var path = new StringBuilder();
        foreach (var part in route.Split("{s}"))
        {
            if (path.Length > 0 || route.StartsWith("{s}", StringComparison.Ordinal))
            {
                symbol ??= random.Next(3) == 0 ? Plain[random.Next(Plain.Length)] : Hostile[random.Next(Hostile.Length)];
                path.Append(symbol);
            }

            path.Append(part);
        }

        if (path.Length == 0 || path[0] != '/')
        {
            path.Insert(0, '/');
        }

        var query = new List<string>();
        for (var n = random.Next(5); n > 0; n--)
        {
            var value = Values[random.Next(Values.Length)];
            query.Add(ParameterNames[random.Next(ParameterNames.Length)] + "=" + (random.Next(2) == 0 ? Uri.EscapeDataString(value) : value.Replace(" ", "%20", StringComparison.Ordinal)));
        }

        var uri = path + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
        var request = new HttpRequestMessage(new HttpMethod(Methods[random.Next(Methods.Length)]), new Uri(uri, UriKind.Relative));
        string? key = random.Next(10) switch
        {
            < 6 => Keys.All[random.Next(Keys.All.Count)],
            6 => null,
            7 => "ff_" + new string('A', random.Next(1, 400)),
            8 => Hostile[random.Next(Hostile.Length)],
            _ => "' or ''='",
        };
        if (key is not null && key.All(char.IsAscii))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
        else if (key is not null)
        {
            // HttpClient sends ASCII headers only: a key it cannot send as a header goes in the query.
            uri += (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "apiKey=" + Uri.EscapeDataString(key);
            request.RequestUri = new Uri(uri, UriKind.Relative);
        }

        for (var n = random.Next(3); n > 0; n--)
        {
            var header = new[] { "Accept", "Accept-Encoding", "If-None-Match", "X-Forwarded-For", "X-Forwarded-Host", "Range", "X-Azure-Functions-InvocationId", "Cookie" }[random.Next(8)];
            request.Headers.TryAddWithoutValidation(header, random.Next(4) == 0 ? new string('z', 8_000) : Values[random.Next(Values.Length)]);
        }

        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && random.Next(4) != 0)
        {
            request.Content = Body(random);
        }

        return (request, symbol, key);
    }

    /// <summary>A hostile body that can never hold a valid event (so the admin key cannot change the data under test).</summary>
    private static ByteArrayContent Body(Random random)
    {
        byte[] bytes;
        switch (random.Next(6))
        {
            case 0:
                bytes = new byte[random.Next(0, 64 * 1024)];
                random.NextBytes(bytes);
                break;
            case 1:
                bytes = Encoding.UTF8.GetBytes(new string('[', random.Next(1, 10_000)));
                break;
            case 2:
                bytes = Encoding.UTF8.GetBytes("[{\"type\":\"trade\",\"ts\":\"2026-06-05T18:00:00Z\",\"underlying\":\"" + new string('S', random.Next(1, 1_000_000)) + "\"}]");
                break;
            case 3:
                bytes = Encoding.UTF8.GetBytes("{\"Data\":{\"events\":" + Values[random.Next(Values.Length)] + "},\"Metadata\":{}}");
                break;
            case 4:
                bytes = Encoding.UTF8.GetBytes("{\"type\":\"trade\",\"price\":-1,\"size\":1e400}\n{\"type\":\"spot\",\"underlying\":\"SPY\",\"price\":\"NaN\"}\n");
                break;
            default:
                bytes = Encoding.UTF8.GetBytes(Values[random.Next(Values.Length)]);
                break;
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", new[] { "application/json", "application/x-ndjson", "text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x" }[random.Next(5)]);
        return content;
    }

    /// <summary>
    /// The status Kestrel gives the same request line and headers without a body, when it is an error below 500; null
    /// otherwise (then the failure to send was not a refusal).
    /// </summary>
    private static async Task<int?> RefusedBeforeTheBodyAsync(HttpClient client, HttpRequestMessage request)
    {
        using var again = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var header in request.Headers)
        {
            again.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        try
        {
            using var response = await client.SendAsync(again);
            var status = (int)response.StatusCode;
            return status is >= 400 and < 500 ? status : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Null when the answer is acceptable; else what is wrong with it.</summary>
    private static string? Check(HttpRequestMessage request, HttpResponseMessage response, string body, string? symbol, string? key, IReadOnlyList<string> tapeSymbols, Dictionary<string, string> names)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "server error";
        }

        foreach (var secret in Keys.All)
        {
            if (body.Contains(secret, StringComparison.Ordinal))
            {
                return "a key in the body";
            }
        }

        if (status != 200 || request.Method == HttpMethod.Head || body.Length == 0 || !body.StartsWith('{'))
        {
            return null;
        }

        var root = JsonDocument.Parse(body).RootElement;
        if (root.TryGetProperty("name", out var name) && root.TryGetProperty("plan", out _))
        {
            // The account answer names the key that asked, never another.
            return key is not null && names.TryGetValue(key.Trim(), out var expected) && expected == name.GetString() ? null : "another key's account";
        }

        if (symbol is null || !root.TryGetProperty("symbol", out var answered))
        {
            return null;
        }

        var requested = Uri.UnescapeDataString(symbol).Trim().ToUpperInvariant();
        if (answered.GetString() != requested)
        {
            return $"answered for {answered.GetString()} when asked for {requested}";
        }

        if (tapeSymbols.Contains(requested))
        {
            return null;
        }

        // A symbol with no data: nothing of another symbol's may show through.
        if (root.TryGetProperty("count", out var count) && count.GetInt32() != 0)
        {
            return "points for a symbol without prints";
        }

        if (root.TryGetProperty("bars", out var bars) && bars.EnumerateArray().Any(b => b.GetProperty("contracts").EnumerateArray().Any(c => c.GetInt64() != 0)))
        {
            return "strike flow for a symbol without prints";
        }

        return root.TryGetProperty("flow_direction", out _) || root.TryGetProperty("decision", out _) ? "a summary for a symbol without data" : null;
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
