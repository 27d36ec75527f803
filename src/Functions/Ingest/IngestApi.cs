using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Ingest;

/// <summary>Body of <c>POST /v1/ingest/events</c>: counts, and the first 20 refused events with their index and reason.</summary>
public sealed record IngestResponse(
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("errors")] IReadOnlyList<IngestErrorItem> Errors);

public sealed record IngestErrorItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>
/// <c>POST /v1/ingest/events</c>, admin keys only, standalone mode: a JSON array (or object) or NDJSON of events (docs/api.md "Events")
/// events through the same <see cref="IngestPipeline"/> as the feed. With an <c>Idempotency-Key</c> the batch commits
/// once: a retry with the same key and body answers the first result (<c>Idempotent-Replayed: true</c>), the same key
/// with another body is 422.
/// </summary>
public static class IngestApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The writer lane (<see cref="Storage.FlowCommit.Lane"/>) of batches posted to the endpoint.</summary>
    public const string IngestLane = "api";
    private const int MaxIdempotencyKeyLength = 255;

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.IngestEvents.Path, Endpoints.IngestEvents.Methods, PostAsync).As(Endpoints.IngestEvents);
        return app;
    }

    public static async Task<Results<JsonHttpResult<IngestResponse>, JsonHttpResult<ApiError>>> PostAsync(
        HttpContext context,
        IngestPipeline pipeline,
        IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = Caller.Of(context) ?? throw new InvalidOperationException("The ingest endpoint runs behind the API-key filter.");
        var request = context.Request;
        string? idempotencyKey = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var header))
        {
            idempotencyKey = header.ToString();
            if (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.AsSpan().ContainsAnyExceptInRange(' ', '~'))
            {
                return ApiErrors.BadParameter(IdempotencyKeyHeader, idempotencyKey, $"expected 1 to {MaxIdempotencyKeyLength} printable ASCII characters");
            }
        }

        var max = Math.Max(1, options.Value.MaxBodyBytes);
        using var body = await RequestBody.ReadAsync(context, max, cancellationToken);
        if (body is null)
        {
            return TooLarge(max);
        }

        if (body.Length == 0)
        {
            return ApiErrors.Create(400, ApiErrors.InvalidParameter, "The request body is empty: send a JSON array or NDJSON of events.");
        }

        var batchId = idempotencyKey is null
            ? $"api:{Guid.NewGuid():N}"
            : $"api:{caller.Key.Id}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32]}";
        var outcome = await pipeline.IngestAsync(RequestBody.Bytes(body), batchId, IngestLane, cancellationToken);
        if (outcome.Replayed)
        {
            if (outcome.Receipt.PayloadHash != outcome.PayloadHash)
            {
                return ApiErrors.Create(422, ApiErrors.IdempotencyKeyReused,
                    "This Idempotency-Key was already used with a different body; use a new key for a new batch.");
            }

            context.Response.Headers[ReplayedHeader] = "true";
        }

        var receipt = outcome.Receipt;
        var errors = receipt.Errors.Select(e => new IngestErrorItem(e.Index, e.Reason)).ToArray();
        return TypedResults.Json(new IngestResponse(receipt.Accepted, receipt.Rejected, errors), ApiJsonContext.Default.IngestResponse);
    }

    private static JsonHttpResult<ApiError> TooLarge(int max) =>
        ApiErrors.Create(413, ApiErrors.PayloadTooLarge, $"The body is larger than the {max:N0}-byte limit: split the events into smaller batches.");
}
