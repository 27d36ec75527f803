namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// One strike of the 0DTE expiry in one minute (calls and puts together): Σ signed delta-dollars and Σ signed
/// gamma-dollars in integer cents (each print rounded to the cent, so merges are exact), contracts, latest print. The
/// sums are <see cref="Int128"/>, so none can overflow (docs/api.md "Event bounds").
/// Not thread-safe.
/// </summary>
public struct StrikeMinuteFlow
{
    public Int128 SignedDeltaCents { get; set; }

    public Int128 SignedGammaCents { get; set; }

    public Int128 Contracts { get; set; }

    public LastPrint Last { get; set; }

    public readonly bool IsEmpty => Contracts == 0;

    public void Add(long deltaCents, long gammaCents, int size, in LastPrint print)
    {
        SignedDeltaCents += deltaCents;
        SignedGammaCents += gammaCents;
        Last = LastPrint.Latest(Last, print);
        Contracts += size;
    }

    /// <summary>Takes back what <see cref="Add"/> added for one print; <paramref name="last"/> is the latest print left.</summary>
    public void Remove(long deltaCents, long gammaCents, int size, in LastPrint last)
    {
        SignedDeltaCents -= deltaCents;
        SignedGammaCents -= gammaCents;
        Contracts -= size;
        Last = last;
    }

    public void Merge(in StrikeMinuteFlow other)
    {
        if (other.Contracts == 0)
        {
            return;
        }

        SignedDeltaCents += other.SignedDeltaCents;
        SignedGammaCents += other.SignedGammaCents;
        Last = LastPrint.Latest(Last, other.Last);
        Contracts += other.Contracts;
    }
}
