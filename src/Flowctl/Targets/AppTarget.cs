using System.Net.Http.Headers;
using System.Text.Json;
using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// A running app's <c>POST /v1/ingest/events</c> (standalone mode, admin key) as NDJSON, one batch per request with an
/// <c>Idempotency-Key</c>, so a batch sent again after an interruption answers its first receipt and counts nothing
/// twice. Failed requests (5xx, network) are retried with back-off; a 4xx is an error to fix, not to retry. The admin
/// key goes only over https, or over http to this machine, and never across a redirect (a 3xx is an error naming
/// where it pointed: HttpClient keeps custom headers such as X-Api-Key when it follows one).
/// </summary>
public sealed class AppTarget(Uri baseUrl, string adminKey, HttpMessageHandler? handler = null) : IEventTarget
{
    private readonly HttpClient _http = CreateClient(Checked(baseUrl), adminKey, handler);

    public string Identity => "app:" + baseUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    public async Task<BatchOutcome> SendAsync(string batchId, IReadOnlyList<TapeLine> batch, CancellationToken cancellationToken)
    {
        var body = TapeLine.Ndjson(batch);
        using var response = await HttpRetry.SendAsync(_http, _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/ingest/events") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            request.Headers.Add("Idempotency-Key", batchId);
            return ValueTask.FromResult(request);
        }, status => status >= 500, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            throw new FlowctlException($"{baseUrl} answered {(int)response.StatusCode}, a redirect to {response.Headers.Location}; flowctl does not follow redirects with the admin key: give --url the address it points to.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new FlowctlException($"{baseUrl} answered {(int)response.StatusCode}: {text}");
        }

        var root = JsonDocument.Parse(text).RootElement;
        var errors = root.GetProperty("errors").EnumerateArray()
            .Select(e => (batch[e.GetProperty("index").GetInt32()].Number, e.GetProperty("reason").GetString() ?? string.Empty)).ToList();
        return new BatchOutcome(root.GetProperty("accepted").GetInt32(), root.GetProperty("rejected").GetInt32(), errors);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The URL, when the admin key may be sent to it: https, or http to a loopback address.</summary>
    public static Uri Checked(Uri baseUrl) =>
        baseUrl.Scheme == Uri.UriSchemeHttps || (baseUrl.Scheme == Uri.UriSchemeHttp && baseUrl.IsLoopback)
            ? baseUrl
            : throw new FlowctlException($"{baseUrl.GetLeftPart(UriPartial.Authority)}: flowctl sends the admin key only over https (or over http to this machine).");

    private static HttpClient CreateClient(Uri baseUrl, string adminKey, HttpMessageHandler? handler)
    {
        var client = handler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
            : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        client.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        client.Timeout = TimeSpan.FromMinutes(2);
        return client;
    }
}
