using System.Buffers;
using System.Text;
using System.Text.Json;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The Table service's limits that Azurite does not enforce, checked on every table write a client sends (a pipeline
/// policy, on with <see cref="StorageOptions.CheckServiceLimits"/>; the tests turn it on everywhere): an entity of at
/// most 1 MiB by the service's size formula, at most 252 properties besides PartitionKey, RowKey and Timestamp, a
/// string or binary property of at most 64 KiB, key values of at most 1 KiB, and an entity-group transaction of at most
/// 100 operations and a 4 MiB body. A write Azure would refuse throws <see cref="AzureLimitException"/> before it is
/// sent (never a <see cref="StoreException"/>, so no test mistakes it for an outage) and is kept in
/// <see cref="Violations"/>. docs/storage.md ("Service limits") gives the formula. Thread-safe.
/// </summary>
public sealed class AzureLimits : HttpPipelineSynchronousPolicy
{
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxOwnProperties = 252;
    public const int MaxPropertyBytes = 64 * 1024;
    public const int MaxKeyBytes = 1024;
    public const int MaxTransactionOperations = 100;
    public const int MaxTransactionBodyBytes = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly List<string> _violations = [];
    private long _largestEntity;

    /// <summary>What was refused, one line each.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_lock)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>The largest entity checked so far, in bytes by the service's formula.</summary>
    public long LargestEntityBytes => Interlocked.Read(ref _largestEntity);

    /// <summary>
    /// An entity's size as the service counts it: 4 bytes, plus twice the length of PartitionKey and RowKey, plus per
    /// property 8 bytes, twice the length of its name and the size of its value (a string: twice its length plus 4;
    /// binary: its length plus 4; Int64, Double and DateTime 8; Guid 16; Int32 4; Boolean 1).
    /// </summary>
    public static long EntityBytes(JsonElement entity, out string? problem)
    {
        problem = null;
        long size = EmptyEntityBytes;
        var own = 0;
        foreach (var property in entity.EnumerateObject())
        {
            var name = property.Name;
            if (name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue; // a type annotation, not a property
            }

            if (name is "PartitionKey" or "RowKey")
            {
                var key = property.Value.GetString() ?? string.Empty;
                size += key.Length * 2;
                if (key.Length * 2 > MaxKeyBytes)
                {
                    problem ??= $"{name} of {key.Length * 2} bytes is over {MaxKeyBytes}";
                }

                continue;
            }

            if (name == "Timestamp")
            {
                continue;
            }

            own++;
            var type = entity.TryGetProperty(name + "@odata.type", out var t) ? t.GetString() : null;
            long value = (type, property.Value.ValueKind) switch
            {
                ("Edm.Binary", _) => Convert.FromBase64String(property.Value.GetString() ?? string.Empty).Length + 4,
                ("Edm.Int64" or "Edm.Double" or "Edm.DateTime", _) => 8,
                ("Edm.Guid", _) => 16,
                (_, JsonValueKind.String) => (property.Value.GetString()!.Length * 2) + 4,
                (_, JsonValueKind.True or JsonValueKind.False) => 1,
                (_, JsonValueKind.Number) => property.Value.TryGetInt32(out _) ? 4 : 8,
                _ => 0,
            };
            if (value - 4 > MaxPropertyBytes && (type == "Edm.Binary" || property.Value.ValueKind == JsonValueKind.String))
            {
                problem ??= $"property {name} of {value - 4} bytes is over {MaxPropertyBytes}";
            }

            size += PropertyBytes(name, value);
        }

        if (own > MaxOwnProperties)
        {
            problem ??= $"{own} properties is over {MaxOwnProperties}";
        }

        if (size > MaxEntityBytes)
        {
            problem ??= $"an entity of {size} bytes is over {MaxEntityBytes}";
        }

        return size;
    }

    /// <summary>The same size for an entity about to be sent (binary and strings as above, every other value 8).</summary>
    public static long EntityBytes(TableEntity entity)
    {
        long size = EmptyEntityBytes + (2 * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")
            {
                continue;
            }

            size += PropertyBytes(name, value switch
            {
                byte[] bytes => bytes.Length + 4,
                string text => (2 * text.Length) + 4,
                _ => 8,
            });
        }

        return size;
    }

    private const long EmptyEntityBytes = 4;

    private static long PropertyBytes(string name, long valueBytes) => 8 + (name.Length * 2) + valueBytes;

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        if (request.Content is null || !StorageRequestCounter.IsTable(request))
        {
            return;
        }

        var body = new ArrayBufferWriter<byte>();
        using (var stream = new MemoryStream())
        {
            request.Content.WriteTo(stream, message.CancellationToken);
            body.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        }

        var what = $"{request.Method} {request.Uri.Path}";
        if (request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
        {
            CheckTransaction(what, body.WrittenSpan);
        }
        else if (body.WrittenCount > 0 && body.WrittenSpan[0] == (byte)'{' && !request.Uri.Path.EndsWith("/Tables", StringComparison.Ordinal))
        {
            CheckEntity(what, body.WrittenMemory);
        }
    }

    private void CheckTransaction(string what, ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxTransactionBodyBytes)
        {
            Refuse(what, $"a transaction body of {body.Length} bytes is over {MaxTransactionBodyBytes}");
        }

        // The multipart body holds one sub-request per operation ("POST ", "PUT ", "MERGE ", "PATCH ", "DELETE " at
        // the start of a line, each naming an HTTP/1.1 target), and an entity's JSON on a line of its own.
        var operations = 0;
        foreach (var line in Encoding.UTF8.GetString(body).Split("\r\n"))
        {
            if (line.EndsWith(" HTTP/1.1", StringComparison.Ordinal) && (line.StartsWith("POST ", StringComparison.Ordinal) || line.StartsWith("PUT ", StringComparison.Ordinal)
                || line.StartsWith("MERGE ", StringComparison.Ordinal) || line.StartsWith("PATCH ", StringComparison.Ordinal) || line.StartsWith("DELETE ", StringComparison.Ordinal)))
            {
                operations++;
            }
            else if (line.StartsWith('{'))
            {
                CheckEntity($"{what} operation {operations - 1}", Encoding.UTF8.GetBytes(line));
            }
        }

        if (operations > MaxTransactionOperations)
        {
            Refuse(what, $"{operations} operations is over {MaxTransactionOperations}");
        }
    }

    private void CheckEntity(string what, ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var size = EntityBytes(doc.RootElement, out var problem);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _largestEntity);
        }
        while (size > seen && Interlocked.CompareExchange(ref _largestEntity, size, seen) != seen);
        if (problem is not null)
        {
            Refuse(what, problem);
        }
    }

    private void Refuse(string what, string problem)
    {
        var line = $"{what}: {problem}";
        lock (_lock)
        {
            _violations.Add(line);
        }

        throw new AzureLimitException($"Azure Table Storage would refuse {line}.");
    }
}

/// <summary>A write that Azure Table Storage would refuse for its size or shape (<see cref="AzureLimits"/>).</summary>
public sealed class AzureLimitException : InvalidOperationException
{
    public AzureLimitException()
    {
    }

    public AzureLimitException(string message)
        : base(message)
    {
    }

    public AzureLimitException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
