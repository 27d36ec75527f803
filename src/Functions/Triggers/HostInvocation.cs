using System.Text.Json;

namespace FlowFunctions.Functions.Triggers;

/// <summary>
/// The Functions host's custom-handler protocol for non-HTTP triggers. The host posts
/// <c>{"Data":{binding: value},"Metadata":{name: value}}</c> to <c>/{FunctionName}</c>. It encodes each value with
/// Json.NET's <c>JObject.FromObject</c>, falling back to <c>SerializeObject</c> when the value is not an object: so
/// objects (a timer's info, the Event Hubs <c>PartitionContext</c>) arrive as JSON objects, while arrays and scalars
/// arrive as JSON text inside a string (<c>"[\"{...}\",...]"</c>, <c>"[0,1,2]"</c>). <see cref="Decode"/> accepts either
/// form. The handler answers <c>{"Outputs":{},"Logs":[...],"ReturnValue":null}</c>; any status other than 2xx fails
/// the invocation, and the function's retry policy delivers it again.
/// </summary>
public sealed class HostInvocation : IDisposable
{
    private readonly JsonDocument _document;
    private readonly List<JsonDocument> _decoded = [];

    private HostInvocation(JsonDocument document)
    {
        _document = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The invocation is not a JSON object.");
        }

        Data = Property(root, "Data") is { ValueKind: JsonValueKind.Object } data ? data : throw new FormatException("The invocation has no Data object.");
        Metadata = Property(root, "Metadata") is { ValueKind: JsonValueKind.Object } metadata ? metadata : default;
    }

    /// <summary>The trigger and input bindings by name.</summary>
    public JsonElement Data { get; }

    /// <summary>The trigger's metadata (binding data) by name; <c>Undefined</c> when the host sent none.</summary>
    public JsonElement Metadata { get; }

    /// <summary>Parses an invocation body; <see cref="FormatException"/> when it is not one.</summary>
    public static HostInvocation Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return new HostInvocation(JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 }));
        }
        catch (JsonException e)
        {
            throw new FormatException($"The invocation is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A binding's value by name (any case), decoded; or the only binding when <paramref name="name"/> is absent.</summary>
    public JsonElement Binding(string name)
    {
        if (Property(Data, name) is { ValueKind: not JsonValueKind.Undefined } value)
        {
            return Decode(value);
        }

        JsonElement only = default;
        var count = 0;
        foreach (var p in Data.EnumerateObject())
        {
            only = p.Value;
            count++;
        }

        return count == 1 ? Decode(only) : default;
    }

    /// <summary>A metadata value by name (any case), decoded; <c>Undefined</c> when absent.</summary>
    public JsonElement Meta(string name) =>
        Metadata.ValueKind == JsonValueKind.Object && Property(Metadata, name) is { ValueKind: not JsonValueKind.Undefined } value ? Decode(value) : default;

    /// <summary>
    /// A value as the host meant it: a string holding JSON (an array, an object, or a JSON string literal) is parsed;
    /// anything else is returned as it is.
    /// </summary>
    public JsonElement Decode(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        var text = value.GetString()!;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] is not ('[' or '{' or '"'))
        {
            return value;
        }

        try
        {
            var inner = JsonDocument.Parse(text);
            _decoded.Add(inner);
            return inner.RootElement;
        }
        catch (JsonException)
        {
            return value; // a plain string that merely starts like JSON
        }
    }

    /// <summary>A property of an object by name, matched without regard to case (the host's binding data is case-insensitive).</summary>
    public static JsonElement Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (obj.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return default;
    }

    /// <summary>A string property of an object (any case), or null.</summary>
    public static string? StringProperty(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public void Dispose()
    {
        foreach (var d in _decoded)
        {
            d.Dispose();
        }

        _document.Dispose();
    }

    /// <summary>Writes the handler's answer: <c>{"Outputs":{},"Logs":[...],"ReturnValue":null}</c> with <paramref name="status"/>.</summary>
    public static async Task RespondAsync(HttpContext context, int status, IReadOnlyList<string> logs)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("Outputs");
            w.WriteEndObject();
            w.WriteStartArray("Logs");
            foreach (var line in logs)
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteNull("ReturnValue");
            w.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }
}
