using System.Globalization;
using FlowFunctions.Analytics.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// Parses and validates the path and query values of the flow endpoints: symbols (the docs/api.md "Parameters" rule), whole-number
/// windows (clamped, never refused for size or sign), expiries (yyyy-MM-dd). Query values arrive as strings so that
/// a bad value gets our error body rather than the framework's bare 400.
/// </summary>
public static partial class RequestValues
{
    public static bool TrySymbol(string raw, out string symbol, out JsonHttpResult<ApiError>? error)
    {
        symbol = EventLimits.NormalizeSymbol(raw) ?? string.Empty;
        error = symbol.Length == 0 ? ApiErrors.BadSymbol(raw) : null;
        return error is null;
    }

    /// <summary>
    /// A whole number clamped to [1, <paramref name="max"/>]; absent or empty gives <paramref name="fallback"/>.
    /// Values beyond the range of a number clamp like any other; anything that is not a whole number is refused.
    /// </summary>
    public static bool TryClampedInt(string? raw, string name, int fallback, int max, out int value, out JsonHttpResult<ApiError>? error)
    {
        error = null;
        value = fallback;
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            return true;
        }

        var negative = s[0] == '-';
        var digits = s[0] is '-' or '+' ? s.AsSpan(1) : s.AsSpan();
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            error = ApiErrors.BadParameter(name, raw!, $"expected a whole number from 1 to {max}");
            return false;
        }

        if (negative)
        {
            value = 1;
        }
        else
        {
            value = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (int)Math.Clamp(n, 1, max) : max;
        }

        return true;
    }

    /// <summary>
    /// An ISO 8601 instant with its offset (<c>Z</c> or ±hh:mm; seconds and up to seven fraction digits optional), null
    /// when absent (docs/api.md "History"). A query string turns an unescaped <c>+</c> into a space, so a space before
    /// the offset is read as <c>+</c>.
    /// </summary>
    public static bool TryInstant(string? raw, out DateTimeOffset? instant, out JsonHttpResult<ApiError>? error)
    {
        instant = null;
        error = null;
        if (raw is null)
        {
            return true;
        }

        var s = raw.Trim();
        if (s.Length > 6 && s[^6] == ' ')
        {
            s = string.Concat(s.AsSpan(0, s.Length - 6), "+", s.AsSpan(s.Length - 5));
        }

        if (InstantFormat().IsMatch(s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            instant = parsed;
            return true;
        }

        error = ApiErrors.BadAt(raw);
        return false;
    }

    public static bool TryExpiry(string? raw, out DateOnly? expiry, out JsonHttpResult<ApiError>? error)
    {
        expiry = null;
        error = null;
        if (raw is null)
        {
            return true;
        }

        if (DateOnly.TryParseExact(raw.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            expiry = date;
            return true;
        }

        error = ApiErrors.BadExpiry(raw);
        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex InstantFormat();
}
