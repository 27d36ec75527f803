namespace FlowFunctions.Analytics.Events;

/// <summary>Bounds on event fields. Values outside them are refused with a reason rather than risking overflow.</summary>
public static class EventLimits
{
    public const int MaxSymbolLength = 12;
    public const double MaxPrice = 1_000_000;
    public const int MaxSize = 10_000_000;
    public const double MaxSpot = 10_000_000;
    public const double MaxIv = 10;
    public const long MaxOpenInterest = 100_000_000;
    public const int MaxExchangeLength = 32;
    public const int MaxIdLength = 128;
    public const int MaxConditions = 32;
    public const int MaxExpiryYears = 10;

    /// <summary>docs/api.md "Parameters": 1–12 of A-Z 0-9 . _ - after trimming and upper-casing.</summary>
    public static bool IsSymbolChar(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-';

    /// <summary>Trims and upper-cases a symbol into <paramref name="buffer"/>; false when it breaks docs/api.md "Parameters" rule.</summary>
    public static bool TryNormalizeSymbol(ReadOnlySpan<char> raw, Span<char> buffer, out int length)
    {
        var s = raw.Trim();
        length = s.Length;
        if (s.Length is < 1 or > MaxSymbolLength || buffer.Length < s.Length)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = char.ToUpperInvariant(s[i]);
            if (!IsSymbolChar(c))
            {
                return false;
            }

            buffer[i] = c;
        }

        return true;
    }

    /// <summary>The trimmed, upper-cased symbol, or null when it breaks docs/api.md "Parameters" rule.</summary>
    public static string? NormalizeSymbol(ReadOnlySpan<char> raw)
    {
        Span<char> buffer = stackalloc char[MaxSymbolLength];
        return TryNormalizeSymbol(raw, buffer, out var length) ? new string(buffer[..length]) : null;
    }
}
