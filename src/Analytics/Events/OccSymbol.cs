using System.Globalization;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// OCC option symbols: root (1–6 of A-Z 0-9, padded to six with spaces in the canonical form), yymmdd, C/P, and the
/// strike × 1000 in eight digits. Accepts the padded form (<c>SPY   260619C00590000</c>), the compact form
/// (<c>SPY260619C00590000</c>) and either with the <c>O:</c> prefix. Thread-safe (stateless).
/// </summary>
public static class OccSymbol
{
    private const int TailLength = 15; // yymmdd + right + 8 strike digits

    /// <summary>Parses an OCC symbol; on failure <paramref name="error"/> says why in words.</summary>
    public static bool TryParse(ReadOnlySpan<char> symbol, out ReadOnlySpan<char> root, out OptionKey key, out string? error)
    {
        root = default;
        key = default;
        var s = symbol.Trim();
        if (s.StartsWith("O:", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        if (s.Length < TailLength + 1 || s.Length > TailLength + 6 + 6)
        {
            error = "contract must be an OCC option symbol such as SPY260619C00590000";
            return false;
        }

        var tail = s[^TailLength..];
        var r = s[..^TailLength].TrimEnd(' ');
        if (r.Length is < 1 or > 6 || !IsRoot(r))
        {
            error = "contract root must be 1-6 letters or digits";
            return false;
        }

        if (!TryDigits(tail[..2], out var yy) || !TryDigits(tail[2..4], out var mm) || !TryDigits(tail[4..6], out var dd)
            || mm is < 1 or > 12 || dd < 1 || dd > DateTime.DaysInMonth(2000 + yy, mm))
        {
            error = "contract expiry must be a valid yymmdd date";
            return false;
        }

        OptionRight right;
        switch (tail[6])
        {
            case 'C' or 'c': right = OptionRight.Call; break;
            case 'P' or 'p': right = OptionRight.Put; break;
            default:
                error = "contract right must be C or P";
                return false;
        }

        if (!TryDigits(tail[7..], out var strikeMilli) || strikeMilli < 1)
        {
            error = "contract strike must be eight digits of strike × 1000";
            return false;
        }

        root = r;
        key = new OptionKey(new DateOnly(2000 + yy, mm, dd), strikeMilli, right);
        error = null;
        return true;
    }

    /// <summary>Compact OCC symbol, e.g. <c>SPY260619C00590000</c>.</summary>
    public static string Format(string root, OptionKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{root}{key.Expiry:yyMMdd}{key.Right.Letter()}{key.StrikeMilli:D8}");

    private static bool IsRoot(ReadOnlySpan<char> r)
    {
        foreach (var c in r)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
