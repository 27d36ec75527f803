using FlowFunctions.Analytics.Classification;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// One contract's flow over one trading date: volumes and premium by side (by the aggressor rule), and what the
/// positioning estimates read (docs/methodology.md §2, §8): the expected signed volume under each print's buy
/// probability, how decisive those probabilities were, and the variance of the signed volume. Every sum is an
/// integer (probabilities in thousandths), so merges are exact. Not thread-safe.
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
    public long SignedMilli { get; set; }

    /// <summary>Σ |2q − 1,000| × size: 1,000 × the contracts, each weighted by how sure its side is (1 for a certain side, 0 for a coin flip).</summary>
    public long DecisiveMilli { get; set; }

    /// <summary>Σ round(4q(1,000 − q) × size² / 1,000): 1,000 × the variance of the signed contracts, sides independent (saturates at <see cref="long.MaxValue"/>).</summary>
    public long SignVarianceMilli { get; set; }

    public readonly bool IsEmpty => _flow.IsEmpty;

    /// <summary>Expected buy-minus-sell contracts.</summary>
    public readonly double ExpectedSigned => SignedMilli / 1000.0;

    public void Add(SideClassification c, int buyMilli, int size, long premiumCents, in LastPrint print)
    {
        _flow.Add(c.Side, size, premiumCents, print);
        var signed = (2L * buyMilli) - 1000;
        SignedMilli += signed * size;
        DecisiveMilli += Math.Abs(signed) * size;
        SignVarianceMilli = SaturatingAdd(SignVarianceMilli, Variance(buyMilli, size));
    }

    /// <summary>
    /// Takes back what <see cref="Add"/> added for one print; <paramref name="last"/> is the latest print left. A
    /// variance that saturated stays saturated (no tape comes near it: it needs about 10^9 contracts in one print).
    /// </summary>
    public void Remove(AggressorSide side, int buyMilli, int size, long premiumCents, in LastPrint last)
    {
        _flow.Remove(side, size, premiumCents, last);
        var signed = (2L * buyMilli) - 1000;
        SignedMilli -= signed * size;
        DecisiveMilli -= Math.Abs(signed) * size;
        if (SignVarianceMilli != long.MaxValue)
        {
            SignVarianceMilli -= Variance(buyMilli, size);
        }
    }

    private static long Variance(int buyMilli, int size)
    {
        var variance = 4.0 * buyMilli * (1000 - buyMilli) * size * (double)size / 1000;
        return variance < 9e18 ? (long)Math.Round(variance) : long.MaxValue;
    }

    public void Merge(in ContractDayFlow other)
    {
        _flow.Merge(other._flow);
        SignedMilli += other.SignedMilli;
        DecisiveMilli += other.DecisiveMilli;
        SignVarianceMilli = SaturatingAdd(SignVarianceMilli, other.SignVarianceMilli);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
