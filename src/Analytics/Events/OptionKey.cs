namespace FlowFunctions.Analytics.Events;

/// <summary>
/// One listed option of an underlying: expiry, strike and right. The strike is held in thousandths of a dollar,
/// as in the OCC symbol, so keys compare and hash exactly.
/// </summary>
public readonly record struct OptionKey(DateOnly Expiry, int StrikeMilli, OptionRight Right) : IComparable<OptionKey>
{
    public const int MaxStrikeMilli = 99_999_999; // OCC symbols carry eight strike digits

    public double Strike => StrikeMilli / 1000.0;

    /// <summary>The key for a strike in dollars; false when it is not a positive multiple of 0.001 within the OCC range.</summary>
    public static bool TryCreate(DateOnly expiry, double strike, OptionRight right, out OptionKey key)
    {
        key = default;
        if (!double.IsFinite(strike) || strike <= 0)
        {
            return false;
        }

        var milli = Math.Round(strike * 1000);
        if (milli < 1 || milli > MaxStrikeMilli || Math.Abs((milli / 1000) - strike) > 1e-9 * Math.Max(1, strike))
        {
            return false;
        }

        key = new OptionKey(expiry, (int)milli, right);
        return true;
    }

    /// <summary>OCC symbol without padding, e.g. <c>SPY260619C00590000</c>.</summary>
    public string ToOcc(string root) => OccSymbol.Format(root, this);

    public int CompareTo(OptionKey other)
    {
        var c = Expiry.CompareTo(other.Expiry);
        if (c != 0)
        {
            return c;
        }

        c = StrikeMilli.CompareTo(other.StrikeMilli);
        return c != 0 ? c : Right.CompareTo(other.Right);
    }

    public static bool operator <(OptionKey left, OptionKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(OptionKey left, OptionKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(OptionKey left, OptionKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(OptionKey left, OptionKey right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Expiry:yyyy-MM-dd} {Strike} {Right.Letter()}";
}
