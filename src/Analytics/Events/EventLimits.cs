namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Bounds on event fields (docs/api.md "Event bounds" says what each is and why). Values outside them are refused with a
/// reason. With them one print adds at most 10^15 cents of premium, 10^16 cents of delta- or gamma-dollars and 10^6
/// contracts to any sum, so the aggregates' Int128 sums cannot overflow in fewer than 2^63 prints.
/// </summary>
public static class EventLimits
{
    public const int MaxSymbolLength = 12;

    /// <summary>One tick: $0.0001 a share, the finest price a feed reports (OPRA's four decimals) and the unit premiums are summed in.</summary>
    public const double PriceTick = 0.0001;

    /// <summary>A price below one tick is refused (it would count contracts at no premium).</summary>
    public const double MinPrice = PriceTick;

    /// <summary>$100,000 a share, $10 million a contract: five times the dearest listed option (a deep in-the-money NDX LEAP, about $20,000).</summary>
    public const double MaxPrice = 100_000;

    /// <summary>One million contracts: the largest prints seen on US options are a few hundred thousand.</summary>
    public const int MaxSize = 1_000_000;

    /// <summary>$1,000,000: the dearest optionable underlying (an index near 20,000 points, a share near $10,000) fifty times over.</summary>
    public const double MaxSpot = 1_000_000;
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
