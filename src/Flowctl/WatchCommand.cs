using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Spectre.Console;

namespace FlowFunctions.Flowctl;

/// <summary>
/// <c>flowctl watch --symbols SPY,QQQ</c>: the app's live flow stream (docs/api.md "Live flow stream") printed one line
/// per event. After any disconnect (the server's <c>end</c> or <c>slow</c>, a network failure, a restart) it waits the
/// server's <c>retry:</c> hint and reconnects with the last id it received, so it prints every final minute, block and
/// alert once. <c>--json</c> prints each event as <c>id event data</c>; <c>--max-events</c> stops after that many
/// durable events (for scripts).
/// </summary>
public static class WatchCommand
{
    public static Command Build(IAnsiConsole console, TimeProvider time)
    {
        var url = UrlOption.Create("--url", "The app's base URL", "http://localhost:7071", new Uri("http://localhost:7071"));
        var apiKey = new Option<string?>("--api-key") { Description = "An alpha-plan key (env FLOWCTL_API_KEY)" };
        var symbols = new Option<string>("--symbols") { Description = "Comma-separated symbols, 1 to 50", Required = true };
        var events = new Option<string?>("--events") { Description = "Any of minute,block,alert (default: all)" };
        var from = new Option<string?>("--last-event-id") { Description = "Resume after this id; yyyyMMdd.0.0 for the whole trading day (default: from now)" };
        var previews = new Option<bool>("--previews") { Description = "Also print minutes as they build (final: false)" };
        var json = new Option<bool>("--json") { Description = "Print each event as: id event data" };
        var max = new Option<int>("--max-events") { Description = "Stop after this many durable events (0: never)" };
        var command = new Command("watch", "Print the live flow stream, resuming by itself after a disconnect.") { url, apiKey, symbols, events, from, previews, json, max };
        command.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("FLOWCTL_API_KEY")
                ?? throw new FlowctlException("watch needs an alpha-plan key: --api-key or FLOWCTL_API_KEY (dev-alpha on the standalone app).");
            var query = $"symbols={Uri.EscapeDataString(parse.GetValue(symbols)!)}" + (parse.GetValue(events) is { } e ? $"&events={Uri.EscapeDataString(e)}" : string.Empty);
            var options = new WatchOptions(parse.GetValue(url)!, key, query, parse.GetValue(from), parse.GetValue(previews), parse.GetValue(json), parse.GetValue(max));
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            return await WatchAsync(http, options, console, ct);
        });
        return command;
    }

    public sealed record WatchOptions(Uri BaseUrl, string Key, string Query, string? LastEventId, bool Previews, bool Json, int MaxEvents);

    public static async Task<int> WatchAsync(HttpClient http, WatchOptions options, IAnsiConsole console, CancellationToken ct)
    {
        var lastId = options.LastEventId;
        var retry = TimeSpan.FromSeconds(3);
        var printed = 0;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, "/v1/flow/stream?" + options.Query));
            request.Headers.Add("X-Api-Key", options.Key);
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastId);
            }

            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw new FlowctlException($"the stream refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }

                if (!response.IsSuccessStatusCode)
                {
                    retry = response.Headers.RetryAfter?.Delta ?? retry;
                    throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}");
                }

                failures = 0;
                var parser = SseParser.Create(await response.Content.ReadAsStreamAsync(ct));
                await foreach (var item in parser.EnumerateAsync(ct))
                {
                    lastId = parser.LastEventId is { Length: > 0 } id ? id : lastId;
                    retry = parser.ReconnectionInterval > TimeSpan.Zero ? parser.ReconnectionInterval : retry;
                    var durable = item.EventType is "minute" or "block" or "alert" && !(item.EventId ?? string.Empty).Contains('~', StringComparison.Ordinal);
                    if (durable || options.Previews && item.EventType == "minute" || item.EventType is "reset" or "slow")
                    {
                        Print(console, options.Json, item);
                    }

                    if (durable && options.MaxEvents > 0 && ++printed >= options.MaxEvents)
                    {
                        return 0;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                if (++failures > 1)
                {
                    console.MarkupLineInterpolated($"[yellow]disconnected[/] ({e.Message}); reconnecting after {lastId ?? "the live end"}");
                }
            }

            await Task.Delay(failures > 1 ? TimeSpan.FromSeconds(Math.Min(30, retry.TotalSeconds * failures)) : retry, ct);
        }

        return 0;
    }

    private static void Print(IAnsiConsole console, bool json, SseItem<string> item)
    {
        if (json)
        {
            console.Profile.Out.Writer.WriteLine($"{item.EventId} {item.EventType} {item.Data}");
            return;
        }

        using var doc = JsonDocument.Parse(item.Data);
        var d = doc.RootElement;
        string Text(string name) => d.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : string.Empty;
        long Number(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        var line = item.EventType switch
        {
            "minute" => $"{Text("ts")} {Text("symbol"),-6} minute{(Text("final") == "true" ? string.Empty : " (building)")} net {Number("netVolume"):+#,0;-#,0;0} cumulative {Number("cumulative"):+#,0;-#,0;0} prints {Number("tradeCount"):N0} net premium ${Number("netPremium"):N0}",
            "block" => $"{Text("ts")} {Text("symbol"),-6} block  {Text("side"),-4} {Number("size"):N0} {Text("contract")} @ {Text("price")} premium ${Number("premium"):N0} delta ${Text("deltaDollars")}",
            "alert" => $"{Text("ts")} {Text("symbol"),-6} alert  {Text("kind")} {Text("before")} -> {Text("after")}",
            _ => $"{item.EventType}: {Text("reason")}",
        };
        console.Profile.Out.Writer.WriteLine(line.ToString(CultureInfo.InvariantCulture));
    }
}
