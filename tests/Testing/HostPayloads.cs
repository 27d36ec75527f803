using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowFunctions.Testing;

/// <summary>
/// Invocations shaped like the ones the Azure Functions host sends a custom handler (azure-functions-host,
/// ScriptInvocationContextExtensions.ToHttpScriptInvocationContext): each binding value goes through Json.NET's
/// <c>JObject.FromObject</c>, and when that fails (arrays, scalars) through <c>SerializeObject</c>, so objects arrive as
/// objects and arrays as JSON text inside a string. The Event Hubs binding data is that of
/// EventHubTriggerBindingStrategy for cardinality <c>many</c>: <c>PartitionContext</c>, <c>PartitionKeyArray</c>,
/// <c>OffsetArray</c>, <c>SequenceNumberArray</c>, <c>EnqueuedTimeUtcArray</c>, <c>PropertiesArray</c>,
/// <c>SystemPropertiesArray</c>, plus the host's <c>sys</c>. Shared source: compiled into the test and benchmark projects.
/// </summary>
public static class HostPayloads
{
    public const string Namespace = "flowfunctions-test.servicebus.windows.net";
    public const string Hub = "flow-events";
    public const string ConsumerGroup = "flowfunctions";

    /// <summary>
    /// An <c>IngestEvents</c> invocation. <paramref name="doubleEncoded"/> is what the host sends; false sends plain JSON
    /// arrays. <paramref name="retryCount"/>, when given, is the host's <c>RetryContext</c> of a retried invocation (its
    /// binding data serialized as an object: <c>RetryCount</c>, <c>MaxRetryCount</c>, <c>Exception</c>).
    /// </summary>
    public static string EventHub(IReadOnlyList<string> messages, long firstSequence, string partition = "0", bool doubleEncoded = true, bool withSequenceNumbers = true, int? retryCount = null)
    {
        var enqueued = DateTime.UtcNow;
        var sequences = new JsonArray(messages.Select((_, i) => (JsonNode)(firstSequence + i)).ToArray());
        var metadata = new JsonObject
        {
            ["PartitionContext"] = new JsonObject
            {
                ["FullyQualifiedNamespace"] = Namespace,
                ["EventHubName"] = Hub,
                ["ConsumerGroup"] = ConsumerGroup,
                ["PartitionId"] = partition,
            },
            ["PartitionKeyArray"] = Encode(new JsonArray(messages.Select(_ => (JsonNode)"SPY").ToArray()), doubleEncoded),
            ["OffsetArray"] = Encode(new JsonArray(messages.Select((_, i) => (JsonNode)((firstSequence + i) * 512).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()), doubleEncoded),
            ["EnqueuedTimeUtcArray"] = Encode(new JsonArray(messages.Select(_ => (JsonNode)enqueued.ToString("yyyy-MM-ddTHH:mm:ss.fffZ")).ToArray()), doubleEncoded),
            ["PropertiesArray"] = Encode(new JsonArray(messages.Select(_ => (JsonNode)new JsonObject()).ToArray()), doubleEncoded),
            ["SystemPropertiesArray"] = Encode(new JsonArray(messages.Select((_, i) => (JsonNode)new JsonObject
            {
                ["x-opt-sequence-number"] = firstSequence + i,
                ["SequenceNumber"] = firstSequence + i,
                ["PartitionKey"] = "SPY",
            }).ToArray()), doubleEncoded),
            ["sys"] = new JsonObject { ["MethodName"] = "IngestEvents", ["UtcNow"] = enqueued.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() },
        };
        if (withSequenceNumbers)
        {
            metadata["SequenceNumberArray"] = Encode(sequences, doubleEncoded);
        }

        if (retryCount is { } retries)
        {
            metadata["RetryContext"] = new JsonObject
            {
                ["RetryCount"] = retries,
                ["MaxRetryCount"] = -1,
                ["Exception"] = new JsonObject { ["Message"] = "Response status code does not indicate success: 500 (Internal Server Error)." },
            };
        }

        var events = new JsonArray(messages.Select(m => (JsonNode)m).ToArray());
        var invocation = new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = Encode(events, doubleEncoded) },
            ["Metadata"] = metadata,
        };
        return invocation.ToJsonString();
    }

    /// <summary>A <c>SnapshotLeaderboard</c> invocation: the timer's info is an object, so it arrives as one.</summary>
    public static string Timer(bool pastDue = false)
    {
        var now = DateTime.UtcNow;
        return new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject { ["Last"] = now.AddSeconds(-30).ToString("O"), ["Next"] = now.AddSeconds(30).ToString("O"), ["LastUpdated"] = now.ToString("O") },
                    ["IsPastDue"] = pastDue,
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = "SnapshotLeaderboard", ["UtcNow"] = now.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() } },
        }.ToJsonString();
    }

    /// <summary>A POST as the host sends it: JSON body, the invocation id and host version headers, the host's user agent.</summary>
    public static HttpRequestMessage Invocation(string function, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        AddHostHeaders(request);
        return request;
    }

    /// <summary>The headers the host adds to every request it sends the handler, forwarded HTTP requests included.</summary>
    public static void AddHostHeaders(HttpRequestMessage request)
    {
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Azure-Functions-Host", "4.1040.300.0"));
    }

    /// <summary>The handler's answer: <c>{"Outputs":{},"Logs":[...],"ReturnValue":null}</c>, checked for shape.</summary>
    public static async Task<string[]> AnswerLogsAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (json.GetProperty("Outputs").ValueKind != JsonValueKind.Object || json.GetProperty("ReturnValue").ValueKind != JsonValueKind.Null)
        {
            throw new InvalidDataException("not a custom-handler answer: " + json.GetRawText());
        }

        return [.. json.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!)];
    }

    private static JsonNode Encode(JsonArray array, bool doubleEncoded) => doubleEncoded ? JsonValue.Create(array.ToJsonString())! : array;
}
