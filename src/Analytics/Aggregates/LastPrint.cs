namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// The latest print an aggregate has seen: its time (UTC ticks), the underlying spot, the IV and the price used for it.
/// Merging keeps the later print; equal times are settled by the larger spot, then IV, then price, so a merge is
/// commutative and associative (a maximum under one total order) and partial folds combine exactly.
/// </summary>
public readonly record struct LastPrint(long Ticks, double Spot, double Iv, double Price)
{
    public static LastPrint None { get; } = new(0, double.NaN, double.NaN, double.NaN);

    public bool IsNone => Ticks == 0;

    public DateTimeOffset Timestamp => new(Ticks, TimeSpan.Zero);

    /// <summary>The later of two prints; <see cref="None"/> (or a default value) loses to any print.</summary>
    public static LastPrint Latest(in LastPrint a, in LastPrint b)
    {
        if (a.IsNone)
        {
            return b;
        }

        if (b.IsNone)
        {
            return a;
        }

        if (a.Ticks != b.Ticks)
        {
            return a.Ticks > b.Ticks ? a : b;
        }

        var c = a.Spot.CompareTo(b.Spot);
        if (c == 0)
        {
            c = a.Iv.CompareTo(b.Iv);
        }

        if (c == 0)
        {
            c = a.Price.CompareTo(b.Price);
        }

        return c >= 0 ? a : b;
    }
}
