using System.Diagnostics;
using FlowFunctions.Functions.Auth;
using OpenTelemetry;

namespace FlowFunctions.Functions.Telemetry;

/// <summary>
/// Takes query strings and anything that looks like an API key out of every span before it is exported: the
/// <c>url.query</c> tag goes, a URL tag keeps its path only, and any other tag value that names the key's query
/// parameter or header (<see cref="ApiKeyFilter.QueryName"/>, <see cref="ApiKeyFilter.HeaderName"/>) is replaced. Keys travel in a header, which no instrumentation records, or in the query,
/// which is removed here; the endpoints log key ids, never keys.
/// </summary>
public sealed class RedactingProcessor : BaseProcessor<Activity>
{
    public const string Redacted = "[redacted]";

    public override void OnEnd(Activity data)
    {
        data.SetTag("url.query", null);
        data.SetTag("http.target", null);
        List<(string Key, string Value)>? changes = null;
        foreach (var (key, value) in data.TagObjects)
        {
            if (value is not string text)
            {
                continue;
            }

            var cleaned = Clean(key, text);
            if (!ReferenceEquals(cleaned, text))
            {
                (changes ??= []).Add((key, cleaned));
            }
        }

        foreach (var (key, value) in changes ?? [])
        {
            data.SetTag(key, value);
        }

        if (data.DisplayName.Contains('?', StringComparison.Ordinal))
        {
            data.DisplayName = data.DisplayName[..data.DisplayName.IndexOf('?', StringComparison.Ordinal)];
        }
    }

    /// <summary>The value to export for a tag: the same string when it is clean.</summary>
    public static string Clean(string key, string value)
    {
        var query = value.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0 && (key.StartsWith("url.", StringComparison.Ordinal) || key.StartsWith("http.", StringComparison.Ordinal) || value.Contains("://", StringComparison.Ordinal)))
        {
            value = value[..query];
        }

        if (value.Contains(ApiKeyFilter.QueryName, StringComparison.OrdinalIgnoreCase)
            || value.Contains(ApiKeyFilter.HeaderName, StringComparison.OrdinalIgnoreCase))
        {
            return Redacted;
        }

        return value;
    }
}
