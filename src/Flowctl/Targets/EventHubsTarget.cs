using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// An Event Hub, over its REST "send batch" API (<c>POST https://{namespace}/{hub}/messages</c>, content type
/// <c>application/vnd.microsoft.servicebus.json</c>, each event a <c>{"Body":…,"BrokerProperties":{"PartitionKey":…}}</c>
/// with the underlying as partition key, as SPEC §3 asks), authorised by a shared access signature or an Entra token
/// (scope <c>https://eventhubs.azure.net/.default</c>). A request stays under the 1 MB a batch may carry. Event Hubs
/// cannot tell a batch sent twice: a replay interrupted while a batch was in flight may deliver that batch again, and
/// the function counts what arrives (README).
/// </summary>
public sealed class EventHubsTarget : IEventTarget
{
    /// <summary>Largest request body sent (the service takes up to 1 MB per batch, envelope included).</summary>
    public const int MaxRequestBytes = 900 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _messages;
    private readonly Func<CancellationToken, ValueTask<string>> _authorization;

    private EventHubsTarget(string fullyQualifiedNamespace, string hub, Func<CancellationToken, ValueTask<string>> authorization, HttpMessageHandler? handler)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _messages = new Uri($"https://{fullyQualifiedNamespace}/{Uri.EscapeDataString(hub)}/messages?timeout=60&api-version=2014-01");
        _authorization = authorization;
        Identity = $"eventhubs:{fullyQualifiedNamespace}/{hub}".ToLowerInvariant();
    }

    public string Identity { get; }

    /// <summary>From a namespace or hub connection string (<c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>).</summary>
    public static EventHubsTarget FromConnectionString(string connectionString, string? hub, TimeProvider time, HttpMessageHandler? handler = null)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !parts.TryGetValue("SharedAccessKeyName", out var keyName) || !parts.TryGetValue("SharedAccessKey", out var key))
        {
            throw new FlowctlException("An Event Hubs connection string needs Endpoint, SharedAccessKeyName and SharedAccessKey.");
        }

        var ns = new Uri(endpoint).Host;
        var entity = parts.GetValueOrDefault("EntityPath") ?? hub ?? throw new FlowctlException("Name the hub: --hub, or EntityPath in the connection string.");
        var resource = $"https://{ns}/{entity}";
        return new EventHubsTarget(ns, entity, _ => ValueTask.FromResult(SharedAccessSignature(resource, keyName, key, time.GetUtcNow().AddHours(1))), handler);
    }

    /// <summary>With an Entra identity that holds Azure Event Hubs Data Sender on the hub or namespace.</summary>
    public static EventHubsTarget WithToken(string fullyQualifiedNamespace, string hub, TokenCredential credential, HttpMessageHandler? handler = null)
    {
        AccessToken? token = null;
        return new EventHubsTarget(fullyQualifiedNamespace, hub, async ct =>
        {
            if (token is not { } held || held.ExpiresOn < DateTimeOffset.UtcNow.AddMinutes(5))
            {
                token = await credential.GetTokenAsync(new TokenRequestContext(["https://eventhubs.azure.net/.default"]), ct);
            }

            return "Bearer " + token.Value.Token;
        }, handler);
    }

    /// <summary>
    /// A shared access signature for <paramref name="resource"/>: HMAC-SHA256 under the key of the URL-encoded resource,
    /// a newline and the expiry in Unix seconds.
    /// </summary>
    public static string SharedAccessSignature(string resource, string keyName, string key, DateTimeOffset expiry)
    {
        var encoded = WebUtility.UrlEncode(resource.ToLowerInvariant());
        var se = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encoded + "\n" + se)));
        return $"SharedAccessSignature sr={encoded}&sig={WebUtility.UrlEncode(signature)}&se={se}&skn={keyName}";
    }

    public async Task<BatchOutcome> SendAsync(string batchId, IReadOnlyList<TapeLine> batch, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        foreach (var line in batch)
        {
            if (body.Length + writer.BytesPending + line.Json!.Length > MaxRequestBytes)
            {
                writer.WriteEndArray();
                writer.Flush();
                await PostAsync(body.ToArray(), cancellationToken);
                body.SetLength(0);
                writer.Reset(body);
                writer.WriteStartArray();
            }

            writer.WriteStartObject();
            writer.WriteString("Body", Encoding.UTF8.GetString(line.Json));
            writer.WriteStartObject("BrokerProperties");
            writer.WriteString("PartitionKey", line.Underlying);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        await PostAsync(body.ToArray(), cancellationToken);
        await writer.DisposeAsync();
        return new BatchOutcome(batch.Count, 0, []);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var response = await HttpRetry.SendAsync(_http, async ct =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, _messages) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.servicebus.json");
            request.Headers.TryAddWithoutValidation("Authorization", await _authorization(ct));
            return request;
        }, status => status is 429 or >= 500, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FlowctlException($"Event Hubs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
