using FlowFunctions.Analytics.Classification;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// One contract's flow over one trading date: volumes and premium by side, and the OI simulator's state, the
/// confidence-weighted buy and sell volumes in half contracts (integers, so merges are exact). Not thread-safe.
/// </summary>
public struct ContractDayFlow
{
    private FlowTally _flow;

    public FlowTally Flow
    {
        readonly get => _flow;
        set => _flow = value;
    }

    /// <summary>Σ confidence-halves × size over buy prints (2 per contract at full confidence).</summary>
    public long WeightedBuyHalves { get; set; }

    /// <summary>Σ confidence-halves × size over sell prints.</summary>
    public long WeightedSellHalves { get; set; }

    public readonly bool IsEmpty => _flow.IsEmpty;

    public void Add(SideClassification c, int size, long premiumCents, in LastPrint print)
    {
        _flow.Add(c.Side, size, premiumCents, print);
        if (c.Side == AggressorSide.Buy)
        {
            WeightedBuyHalves += (long)c.ConfidenceHalves * size;
        }
        else if (c.Side == AggressorSide.Sell)
        {
            WeightedSellHalves += (long)c.ConfidenceHalves * size;
        }
    }

    public void Merge(in ContractDayFlow other)
    {
        _flow.Merge(other._flow);
        WeightedBuyHalves += other.WeightedBuyHalves;
        WeightedSellHalves += other.WeightedSellHalves;
    }
}
