using FlowFunctions.Analytics.Classification;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// One contract's flow over one trading date: volumes and premium by side (by the aggressor rule), and what the
/// positioning estimates read (docs/methodology.md §2, §8): the expected signed volume under each print's buy
/// probability, how decisive those probabilities were, and the variance of the signed volume. Every sum is an
/// integer (probabilities in thousandths), so merges are exact, and an <see cref="Int128"/>, so none can overflow
/// (docs/api.md "Event bounds"). Not thread-safe.
/// </summary>
public struct ContractDayFlow
{
    private FlowTally _flow;

    public FlowTally Flow
    {
        readonly get => _flow;
        set => _flow = value;
    }

    /// <summary>Σ (2q − 1,000) × size, q the print's buy probability in thousandths: 1,000 × the expected buy-minus-sell contracts.</summary>
    public Int128 SignedMilli { get; set; }

    /// <summary>Σ |2q − 1,000| × size: 1,000 × the contracts, each weighted by how sure its side is (1 for a certain side, 0 for a coin flip).</summary>
    public Int128 DecisiveMilli { get; set; }

    /// <summary>Σ round(4q(1,000 − q) × size² / 1,000): 1,000 × the variance of the signed contracts, sides independent.</summary>
    public Int128 SignVarianceMilli { get; set; }

    public readonly bool IsEmpty => _flow.IsEmpty;

    /// <summary>Expected buy-minus-sell contracts.</summary>
    public readonly double ExpectedSigned => (double)SignedMilli / 1000.0;

    public void Add(SideClassification c, int buyMilli, int size, long premiumCents, in LastPrint print) =>
        Add(c.Side, buyMilli, size, premiumCents, print);

    public void Add(AggressorSide side, int buyMilli, int size, long premiumCents, in LastPrint print)
    {
        _flow.Add(side, size, premiumCents, print);
        var signed = (2L * buyMilli) - 1000;
        SignedMilli += signed * size;
        DecisiveMilli += Math.Abs(signed) * size;
        SignVarianceMilli += Variance(buyMilli, size);
    }

    /// <summary>Takes back what <see cref="Add(AggressorSide, int, int, long, in LastPrint)"/> added for one print; <paramref name="last"/> is the latest print left.</summary>
    public void Remove(AggressorSide side, int buyMilli, int size, long premiumCents, in LastPrint last)
    {
        _flow.Remove(side, size, premiumCents, last);
        var signed = (2L * buyMilli) - 1000;
        SignedMilli -= signed * size;
        DecisiveMilli -= Math.Abs(signed) * size;
        SignVarianceMilli -= Variance(buyMilli, size);
    }

    /// <summary>
    /// round(4q(1,000 − q) × size² / 1,000), half to even, in integers: at most 10^15 for the largest print
    /// (docs/api.md "Event bounds").
    /// </summary>
    private static long Variance(int buyMilli, int size)
    {
        var (quotient, remainder) = Int128.DivRem(4L * buyMilli * (1000 - buyMilli) * (Int128)size * size, 1000);
        var up = remainder > 500 || (remainder == 500 && !Int128.IsEvenInteger(quotient));
        return (long)(up ? quotient + 1 : quotient);
    }

    public void Merge(in ContractDayFlow other)
    {
        _flow.Merge(other._flow);
        SignedMilli += other.SignedMilli;
        DecisiveMilli += other.DecisiveMilli;
        SignVarianceMilli += other.SignVarianceMilli;
    }
}
