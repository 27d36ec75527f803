using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// Signs each request with the account key (Authorize with Shared Key): Shared Key Lite for the Table service
/// (<c>Date\nCanonicalizedResource</c>) and Shared Key for the Blob service (verb, standard headers, the
/// <c>x-ms-</c> headers and the resource with its query). Runs per retry, so every attempt gets a fresh date.
/// </summary>
public sealed class SharedKeyPolicy(string accountName, byte[] accountKey, bool table) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        var uri = request.Uri.ToUri();
        var toSign = table ? $"{date}\n{TableResource(uri)}" : BlobStringToSign(request, uri);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.SetValue("Authorization", $"{(table ? "SharedKeyLite" : "SharedKey")} {accountName}:{signature}");
    }

    private string TableResource(Uri uri)
    {
        var resource = $"/{accountName}{uri.AbsolutePath}";
        var comp = Query(uri).FirstOrDefault(p => p.Key == "comp");
        return comp.Key is null ? resource : $"{resource}?comp={comp.Value}";
    }

    private string BlobStringToSign(Request request, Uri uri)
    {
        string Header(string name) => request.Headers.TryGetValue(name, out var v) ? v : string.Empty;
        var length = request.Content is { } content && content.TryComputeLength(out var n) && n > 0 ? n.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n')
            .Append(Header("Content-Encoding")).Append('\n')
            .Append(Header("Content-Language")).Append('\n')
            .Append(length).Append('\n')
            .Append(Header("Content-MD5")).Append('\n')
            .Append(Header("Content-Type")).Append('\n')
            .Append('\n') // Date: x-ms-date is used instead
            .Append(Header("If-Modified-Since")).Append('\n')
            .Append(Header("If-Match")).Append('\n')
            .Append(Header("If-None-Match")).Append('\n')
            .Append(Header("If-Unmodified-Since")).Append('\n')
            .Append(Header("Range")).Append('\n');
        foreach (var h in request.Headers.Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(h.Name).Append(':').Append(h.Value.Trim()).Append('\n');
        }

        sb.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var group in Query(uri).GroupBy(p => p.Key.ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append('\n').Append(group.Key).Append(':').Append(string.Join(',', group.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }

        return sb.ToString();
    }

    private static IEnumerable<KeyValuePair<string, string>> Query(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            yield break;
        }

        foreach (var pair in query.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            yield return new(key, value);
        }
    }
}
