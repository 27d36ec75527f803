using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowFunctions.Analytics.Json;

/// <summary>
/// Writes timestamps as docs/api.md states: UTC with a <c>Z</c>, <c>yyyy-MM-ddTHH:mm:ssZ</c>, with milliseconds only when
/// the value has them. Reads any ISO 8601 timestamp.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.UtcDateTime;
        Span<char> buffer = stackalloc char[32];
        var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-ddTHH:mm:ss'Z'" : "yyyy-MM-ddTHH:mm:ss.fff'Z'";
        utc.TryFormat(buffer, out var written, format);
        writer.WriteStringValue(buffer[..written]);
    }
}
