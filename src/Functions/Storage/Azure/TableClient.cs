using System.Buffers;
using System.Text;
using System.Text.Json;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>One operation of an entity-group transaction.</summary>
public enum TableOperation
{
    /// <summary>Insert; the transaction fails if the entity exists.</summary>
    Add,

    /// <summary>Replace if the ETag matches (or insert-or-replace when the entity's ETag is empty).</summary>
    Replace,

    /// <summary>Merge properties if the ETag matches (or insert-or-merge when the ETag is empty).</summary>
    Merge,

    /// <summary>Delete if the ETag matches (<c>*</c> for any).</summary>
    Delete,
}

/// <summary>A page of a query and the continuation to the next (null on the last).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? ContinuationToken);

/// <summary>
/// One table of the Table service over its REST API (2019-02-02, JSON minimal metadata) on an Azure.Core pipeline:
/// create, point reads, insert/replace/merge/delete with <c>If-Match</c>, queries with <c>$filter</c>,
/// <c>$select</c>, <c>$top</c> and continuation, and entity-group transactions. Immutable and thread-safe; failures
/// are <see cref="StoreException"/>.
/// </summary>
public sealed class TableClient(HttpPipeline pipeline, Uri serviceUri, string tableName)
{
    /// <summary>Most operations one entity-group transaction may hold.</summary>
    public const int MaxTransactionSize = 100;

    private const string Json = "application/json";
    private const string MinimalMetadata = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");

    public string Name { get; } = tableName;

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Post, "Tables");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes($"{{\"TableName\":\"{Name}\"}}"));
        request.Headers.SetValue("Content-Type", Json);
        request.Headers.SetValue("Prefer", "return-no-content");
        using var _ = await StoragePipeline.SendAsync(pipeline, request, cancellationToken, 409);
    }

    public async Task<TableEntity?> GetEntityAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Get, EntityPath(partitionKey, rowKey));
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken, 404);
        if (response.Status == 404)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var entity = TableEntity.Read(doc.RootElement);
        entity.ETag = response.Headers.ETag?.ToString() ?? entity.ETag;
        return entity;
    }

    /// <summary>Inserts; <see cref="StoreFailure.Conflict"/> when it exists. Returns the new ETag.</summary>
    public Task<string> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken) =>
        WriteAsync(RequestMethod.Post, Name, entity, null, cancellationToken);

    /// <summary>Replaces when <paramref name="ifMatch"/> matches (<c>*</c>: any); null inserts or replaces. Returns the new ETag.</summary>
    public Task<string> ReplaceEntityAsync(TableEntity entity, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(RequestMethod.Put, EntityPath(entity.PartitionKey, entity.RowKey), entity, ifMatch, cancellationToken);

    /// <summary>Merges properties when <paramref name="ifMatch"/> matches; null inserts or merges. Returns the new ETag.</summary>
    public Task<string> MergeEntityAsync(TableEntity entity, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(Merge, EntityPath(entity.PartitionKey, entity.RowKey), entity, ifMatch, cancellationToken);

    public async Task DeleteEntityAsync(string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        using var request = Request(RequestMethod.Delete, EntityPath(partitionKey, rowKey));
        request.Headers.SetValue("If-Match", ifMatch);
        using var _ = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
    }

    /// <summary>One page of a query; pass the returned token back for the next page.</summary>
    public async Task<TablePage> QueryAsync(string? filter, IEnumerable<string>? select, int? top, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (filter is not null)
        {
            query.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        if (select is not null)
        {
            query.Add("$select=" + Uri.EscapeDataString(string.Join(',', select)));
        }

        if (top is { } t)
        {
            query.Add($"$top={Math.Clamp(t, 1, 1000)}");
        }

        if (continuationToken is not null)
        {
            var parts = continuationToken.Split(' ', 2);
            query.Add("NextPartitionKey=" + Uri.EscapeDataString(parts[0]));
            if (parts.Length > 1 && parts[1].Length > 0)
            {
                query.Add("NextRowKey=" + Uri.EscapeDataString(parts[1]));
            }
        }

        using var request = Request(RequestMethod.Get, Name + "()", string.Join('&', query));
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var entities = doc.RootElement.GetProperty("value").EnumerateArray().Select(TableEntity.Read).ToArray();
        string? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var npk))
        {
            next = npk + " " + (response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nrk) ? nrk : string.Empty);
        }

        return new TablePage(entities, next);
    }

    /// <summary>Every entity a query matches, page after page.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(string filter, IEnumerable<string>? select, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var page = await QueryAsync(filter, select, null, continuation, cancellationToken);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// An entity-group transaction: up to 100 operations on one partition, all applied or none. When one fails the
    /// whole transaction fails with that operation's status (412 for a stale ETag, 409 for an existing entity).
    /// Returns the new ETags in operation order (empty for deletes).
    /// </summary>
    public async Task<IReadOnlyList<string>> SubmitTransactionAsync(IReadOnlyList<(TableOperation Operation, TableEntity Entity)> operations, CancellationToken cancellationToken)
    {
        if (operations.Count is 0 or > MaxTransactionSize)
        {
            throw new ArgumentException($"A transaction holds 1 to {MaxTransactionSize} operations.", nameof(operations));
        }

        if (operations.Any(o => o.Entity.PartitionKey != operations[0].Entity.PartitionKey))
        {
            throw new ArgumentException("A transaction holds one partition.", nameof(operations));
        }

        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder();
        body.Append("--").Append(batch).Append("\r\nContent-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        var baseUri = serviceUri.ToString().TrimEnd('/');
        foreach (var (operation, entity) in operations)
        {
            var (method, target) = operation switch
            {
                TableOperation.Add => ("POST", $"{baseUri}/{Name}"),
                TableOperation.Replace => ("PUT", $"{baseUri}/{EntityPath(entity.PartitionKey, entity.RowKey)}"),
                TableOperation.Merge => ("MERGE", $"{baseUri}/{EntityPath(entity.PartitionKey, entity.RowKey)}"),
                _ => ("DELETE", $"{baseUri}/{EntityPath(entity.PartitionKey, entity.RowKey)}"),
            };
            body.Append("--").Append(changeset).Append("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            body.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
            body.Append("Accept: ").Append(MinimalMetadata).Append("\r\nDataServiceVersion: 3.0\r\n");
            if (operation == TableOperation.Delete)
            {
                body.Append("If-Match: ").Append(entity.ETag.Length > 0 ? entity.ETag : "*").Append("\r\n\r\n");
                continue;
            }

            if (operation != TableOperation.Add && entity.ETag.Length > 0)
            {
                body.Append("If-Match: ").Append(entity.ETag).Append("\r\n");
            }

            body.Append("Content-Type: application/json\r\nPrefer: return-no-content\r\n\r\n");
            body.Append(Encoding.UTF8.GetString(Serialize(entity).Span)).Append("\r\n");
        }

        body.Append("--").Append(changeset).Append("--\r\n--").Append(batch).Append("--\r\n");

        using var request = Request(RequestMethod.Post, "$batch");
        request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batch}");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString()));
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
        return ParseTransactionResponse(response.Content.ToString(), operations.Count);
    }

    private static List<string> ParseTransactionResponse(string text, int count)
    {
        var etags = new List<string>(count);
        foreach (var part in text.Split("HTTP/1.1 ", StringSplitOptions.None).Skip(1))
        {
            var status = int.Parse(part.AsSpan(0, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
            if (status >= 300)
            {
                var (code, index) = ExtractError(part);
                var failure = StoragePipeline.Failure(status, code, "Entity-group transaction");
                throw new StoreException(failure.Failure, failure.Message, failure.Status, failure.ErrorCode) { OperationIndex = index };
            }

            var etag = part.Split("\r\n").FirstOrDefault(l => l.StartsWith("ETag:", StringComparison.OrdinalIgnoreCase));
            etags.Add(etag is null ? string.Empty : etag["ETag:".Length..].Trim());
        }

        return etags;
    }

    /// <summary>
    /// The error code of a failed transaction's answer and the failing operation's index, which the service puts at
    /// the start of the error message ("3:The specified entity already exists.").
    /// </summary>
    private static (string? Code, int? Index) ExtractError(string part)
    {
        var start = part.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(part[start..part.LastIndexOf('}')] + "}");
            if (!doc.RootElement.TryGetProperty("odata.error", out var e))
            {
                return (null, null);
            }

            var code = e.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = e.TryGetProperty("message", out var m) && m.TryGetProperty("value", out var v) ? v.GetString() : null;
            var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            int? index = colon > 0 && int.TryParse(message.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : null;
            return (code, index);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private async Task<string> WriteAsync(RequestMethod method, string path, TableEntity entity, string? ifMatch, CancellationToken cancellationToken)
    {
        using var request = Request(method, path);
        request.Headers.SetValue("Content-Type", Json);
        request.Headers.SetValue("Prefer", "return-no-content");
        if (ifMatch is not null)
        {
            request.Headers.SetValue("If-Match", ifMatch);
        }

        request.Content = RequestContent.Create(Serialize(entity));
        using var response = await StoragePipeline.SendAsync(pipeline, request, cancellationToken);
        var etag = response.Headers.ETag?.ToString() ?? string.Empty;
        entity.ETag = etag;
        return etag;
    }

    private static ReadOnlyMemory<byte> Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            entity.Write(w);
        }

        return buffer.WrittenMemory;
    }

    private string EntityPath(string partitionKey, string rowKey) =>
        $"{Name}(PartitionKey={Uri.EscapeDataString(TableFilter.Quote(partitionKey))},RowKey={Uri.EscapeDataString(TableFilter.Quote(rowKey))})";

    private Request Request(RequestMethod method, string path, string? query = null)
    {
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri($"{serviceUri.ToString().TrimEnd('/')}/{path}{(string.IsNullOrEmpty(query) ? string.Empty : "?" + query)}"));
        request.Headers.SetValue("x-ms-version", StoragePipeline.TableVersion);
        request.Headers.SetValue("Accept", MinimalMetadata);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return request;
    }
}
