using System.Globalization;
using System.Text.Json;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// A table entity: its keys, ETag and typed properties (string, long, int, double, bool, DateTimeOffset, byte[]).
/// Written with OData type annotations where JSON alone would lose the type (Edm.Int64 as a string, so values beyond
/// 2^53 survive; Edm.Double; Edm.DateTime; Edm.Binary). Not thread-safe.
/// </summary>
public sealed class TableEntity(string partitionKey, string rowKey)
{
    public string PartitionKey { get; } = partitionKey;

    public string RowKey { get; } = rowKey;

    public string ETag { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public Dictionary<string, object?> Properties { get; } = new(StringComparer.Ordinal);

    public object? this[string name]
    {
        get => Properties.GetValueOrDefault(name);
        set => Properties[name] = value;
    }

    public string? GetString(string name) => Properties.GetValueOrDefault(name) as string;

    public long GetInt64(string name, long fallback = 0) => Properties.GetValueOrDefault(name) switch
    {
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => fallback,
    };

    public double GetDouble(string name, double fallback = double.NaN) => Properties.GetValueOrDefault(name) switch
    {
        double d => d,
        long l => l,
        int i => i,
        _ => fallback,
    };

    public bool GetBoolean(string name) => Properties.GetValueOrDefault(name) is true;

    public DateTimeOffset? GetDateTime(string name) => Properties.GetValueOrDefault(name) as DateTimeOffset?;

    public byte[]? GetBinary(string name) => Properties.GetValueOrDefault(name) as byte[];

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString(nameof(PartitionKey), PartitionKey);
        w.WriteString(nameof(RowKey), RowKey);
        foreach (var (name, value) in Properties)
        {
            switch (value)
            {
                case null:
                    break;
                case string s:
                    w.WriteString(name, s);
                    break;
                case long l:
                    w.WriteString(name + "@odata.type", "Edm.Int64");
                    w.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case int i:
                    w.WriteNumber(name, i);
                    break;
                case double d:
                    w.WriteString(name + "@odata.type", "Edm.Double");
                    if (double.IsFinite(d))
                    {
                        w.WriteNumber(name, d);
                    }
                    else
                    {
                        w.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    break;
                case bool b:
                    w.WriteBoolean(name, b);
                    break;
                case DateTimeOffset t:
                    w.WriteString(name + "@odata.type", "Edm.DateTime");
                    w.WriteString(name, t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
                    break;
                case byte[] bytes:
                    w.WriteString(name + "@odata.type", "Edm.Binary");
                    w.WriteBase64String(name, bytes);
                    break;
                default:
                    throw new ArgumentException($"Property {name} has a type tables do not hold: {value.GetType().Name}.");
            }
        }

        w.WriteEndObject();
    }

    internal static TableEntity Read(JsonElement json)
    {
        // A $select without the keys returns entities without them.
        var entity = new TableEntity(
            json.TryGetProperty(nameof(PartitionKey), out var pk) ? pk.GetString()! : string.Empty,
            json.TryGetProperty(nameof(RowKey), out var rk) ? rk.GetString()! : string.Empty);
        foreach (var p in json.EnumerateObject())
        {
            var name = p.Name;
            if (name is nameof(PartitionKey) or nameof(RowKey) || name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag")
                {
                    entity.ETag = p.Value.GetString() ?? string.Empty;
                }

                continue;
            }

            if (name == "Timestamp")
            {
                entity.Timestamp = p.Value.GetDateTimeOffset();
                continue;
            }

            var type = json.TryGetProperty(name + "@odata.type", out var t) ? t.GetString() : null;
            entity.Properties[name] = (type, p.Value.ValueKind) switch
            {
                ("Edm.Int64", _) => long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Double", JsonValueKind.String) => double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Double", _) => p.Value.GetDouble(),
                ("Edm.DateTime", _) => p.Value.GetDateTimeOffset(),
                ("Edm.Binary", _) => p.Value.GetBytesFromBase64(),
                (_, JsonValueKind.String) => p.Value.GetString(),
                (_, JsonValueKind.True or JsonValueKind.False) => p.Value.GetBoolean(),
                (_, JsonValueKind.Number) when p.Value.TryGetInt32(out var i) && !p.Value.GetRawText().Contains('.', StringComparison.Ordinal) => i,
                (_, JsonValueKind.Number) => p.Value.GetDouble(),
                _ => null,
            };
        }

        return entity;
    }
}
