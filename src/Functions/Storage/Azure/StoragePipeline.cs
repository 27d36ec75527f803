using System.Text.Json;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>Retry and diagnostics settings of the storage clients (Azure.Core defaults: 3 retries, exponential).</summary>
public sealed class StorageClientOptions : ClientOptions
{
}

/// <summary>
/// Builds the Azure.Core pipelines of the storage clients (retries, logging, then Shared Key or a bearer token per
/// attempt) and turns failures into <see cref="StoreException"/>: 404, 409 and 412 by meaning, everything else,
/// transport and sign-in failures included, as unavailable.
/// </summary>
public static class StoragePipeline
{
    public const string TableVersion = "2019-02-02";
    public const string BlobVersion = "2021-08-06";

    public static HttpPipeline Create(StorageAccount account, bool table, TokenCredential? credential, StorageClientOptions? options = null, params HttpPipelinePolicy[] extra)
    {
        options ??= new StorageClientOptions();
        HttpPipelinePolicy auth = account.AccountKey is { } key
            ? new SharedKeyPolicy(account.AccountName, key, table)
            : new BearerTokenAuthenticationPolicy(credential ?? throw new InvalidOperationException("Service URIs without a key need a token credential."), "https://storage.azure.com/.default");
        return HttpPipelineBuilder.Build(options, [.. extra], [auth], new ResponseClassifier());
    }

    /// <summary>Sends and returns the response when it is 2xx (or in <paramref name="alsoOk"/>); throws <see cref="StoreException"/> otherwise.</summary>
    public static async Task<Response> SendAsync(HttpPipeline pipeline, Request request, CancellationToken cancellationToken, params int[] alsoOk)
    {
        Response response;
        try
        {
            response = await pipeline.SendRequestAsync(request, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw new StoreException(StoreFailure.Unavailable, $"Storage request failed: {e.Message}", e.Status, e.ErrorCode, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AggregateException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new StoreException(StoreFailure.Unavailable, $"Storage unreachable: {e.Message}", 0, null, e);
        }
        catch (global::Azure.Identity.AuthenticationFailedException e)
        {
            // The token credential found no identity or could not sign in: storage is out of reach as configured.
            throw new StoreException(StoreFailure.Unavailable, $"Storage sign-in failed: {e.Message.Split('\n', 2)[0].Trim()}", 0, null, e);
        }

        if (response.Status is >= 200 and < 300 || alsoOk.Contains(response.Status))
        {
            return response;
        }

        throw Failure(response.Status, ErrorCode(response), $"{request.Method} {request.Uri.Path}");
    }

    public static StoreException Failure(int status, string? code, string what) => new(
        status switch
        {
            404 => StoreFailure.NotFound,
            409 => StoreFailure.Conflict,
            412 => StoreFailure.PreconditionFailed,
            _ => StoreFailure.Unavailable,
        },
        $"{what} answered {status} {code}",
        status,
        code);

    private static string? ErrorCode(Response response)
    {
        if (response.Headers.TryGetValue("x-ms-error-code", out var code))
        {
            return code;
        }

        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            return doc.RootElement.TryGetProperty("odata.error", out var e) && e.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
