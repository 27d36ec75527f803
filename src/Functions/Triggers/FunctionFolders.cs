using System.Text;
using System.Text.Json;
using FlowFunctions.Functions.Api;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// The function app's function folders, made from <see cref="Endpoints"/> and the two triggers rather than kept by
/// hand: one <c>function.json</c> per function, written at the root of the published app by
/// <c>dotnet publish src/Functions</c> (the project's <c>WriteFunctionFolders</c> target runs the app with
/// <see cref="Command"/>). HTTP functions are anonymous (the app checks API keys) and list the endpoint's methods;
/// the host forwards their requests to the handler at the request's own path.
/// </summary>
public static class FunctionFolders
{
    /// <summary>The argument that makes the executable write the folders into the directory after it, then exit.</summary>
    public const string Command = "--write-function-folders";

    /// <summary>The <c>timerTrigger</c>'s schedule: every 30 seconds (docs/api.md "Leaderboard caching").</summary>
    public const string SnapshotSchedule = "*/30 * * * * *";

    /// <summary>Each function's name and its <c>function.json</c>.</summary>
    public static IReadOnlyDictionary<string, string> Generate()
    {
        var functions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints.All.Where(e => e.Function is not null))
        {
            functions.Add(endpoint.Name, Json(w => HttpFunction(w, endpoint)));
        }

        functions.Add(FunctionNames.IngestEvents, Json(EventHubFunction));
        functions.Add(FunctionNames.SnapshotLeaderboard, Json(TimerFunction));
        return functions;
    }

    /// <summary>Writes every function's folder under <paramref name="root"/>; returns how many.</summary>
    public static int Write(string root)
    {
        var functions = Generate();
        foreach (var (name, json) in functions)
        {
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "function.json"), json);
        }

        return functions.Count;
    }

    private static void HttpFunction(Utf8JsonWriter w, ApiEndpoint endpoint) => Bindings(w, "httpTrigger", "req", w =>
    {
        w.WriteString("authLevel", "anonymous");
        w.WriteStartArray("methods");
        foreach (var method in endpoint.Methods)
        {
            w.WriteStringValue(method.ToLowerInvariant());
        }

        w.WriteEndArray();
        w.WriteString("route", endpoint.Function);
    }, output: "res");

    // Batches of events from the hub named by the EventHubName setting; the host retries a failed batch forever, with
    // backoff, because a storage outage must not skip one (docs/reliability.md).
    private static void EventHubFunction(Utf8JsonWriter w)
    {
        Bindings(w, "eventHubTrigger", EventHubTrigger.BindingName, w =>
        {
            w.WriteString("eventHubName", "%EventHubName%");
            w.WriteString("connection", "EventHubConnection");
            w.WriteString("consumerGroup", "%EventHubConsumerGroup%");
            w.WriteString("cardinality", "many");
            w.WriteString("dataType", "string");
        });
        w.WriteStartObject("retry");
        w.WriteString("strategy", "exponentialBackoff");
        w.WriteNumber("maxRetryCount", -1);
        w.WriteString("minimumInterval", "00:00:02");
        w.WriteString("maximumInterval", "00:01:00");
        w.WriteEndObject();
    }

    private static void TimerFunction(Utf8JsonWriter w) => Bindings(w, "timerTrigger", "timer", w =>
    {
        w.WriteString("schedule", SnapshotSchedule);
        w.WriteBoolean("runOnStartup", false);
        w.WriteBoolean("useMonitor", false);
    });

    /// <summary>The <c>bindings</c> array: the trigger (its type, name and own properties), and an HTTP output when named.</summary>
    private static void Bindings(Utf8JsonWriter w, string trigger, string name, Action<Utf8JsonWriter> properties, string? output = null)
    {
        w.WriteStartArray("bindings");
        w.WriteStartObject();
        w.WriteString("type", trigger);
        w.WriteString("direction", "in");
        w.WriteString("name", name);
        properties(w);
        w.WriteEndObject();
        if (output is not null)
        {
            w.WriteStartObject();
            w.WriteString("type", "http");
            w.WriteString("direction", "out");
            w.WriteString("name", output);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
