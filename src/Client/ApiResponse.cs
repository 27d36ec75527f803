using System.Globalization;
using System.Net.Http.Headers;

namespace FlowFunctions.Client;

/// <summary>An endpoint's answer: the body and the key's quota as the answer's headers reported it.</summary>
public sealed record ApiResponse<T>(T Value, RateLimit? RateLimit);

/// <summary>
/// The <c>X-RateLimit-*</c> headers: the window with less left (the UTC day, or the UTC minute for plans with a
/// per-minute burst), what is left of it and when it resets. A plan without limits reports 2,147,483,647.
/// </summary>
public sealed record RateLimit(long Limit, long Remaining, DateTimeOffset Reset)
{
    /// <summary>The headers of an answer, or null when it has none (the account of an unknown key, a proxy's error).</summary>
    public static RateLimit? From(HttpResponseHeaders headers)
    {
        return Read(headers, "X-RateLimit-Limit") is { } limit
            && Read(headers, "X-RateLimit-Remaining") is { } remaining
            && Read(headers, "X-RateLimit-Reset") is { } reset
            ? new RateLimit(limit, remaining, DateTimeOffset.FromUnixTimeSeconds(reset))
            : null;
    }

    private static long? Read(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
