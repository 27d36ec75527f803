using FlowFunctions.Analytics.Classification;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>
/// Volume and premium by aggressor side, print count and the latest print: the per-symbol-per-minute aggregate and,
/// summed over minutes, a window's totals. Premiums are integer cents (price × size × 100 dollars, with the price at
/// 1/10,000 of a dollar), so sums are exact and any split of a tape folds to the same tally. Volumes and premiums are
/// <see cref="Int128"/>, so no sum can overflow (docs/api.md "Event bounds": a print adds at most 10^15 cents and
/// 10^6 contracts, and a sum holds fewer than 2^63 prints). Not thread-safe.
/// </summary>
public struct FlowTally
{
    public Int128 BuyVolume { get; set; }

    public Int128 SellVolume { get; set; }

    public Int128 MidVolume { get; set; }

    public Int128 BuyPremiumCents { get; set; }

    public Int128 SellPremiumCents { get; set; }

    public Int128 MidPremiumCents { get; set; }

    public long TradeCount { get; set; }

    public LastPrint Last { get; set; }

    public readonly Int128 TotalVolume => BuyVolume + SellVolume + MidVolume;

    public readonly Int128 NetVolume => BuyVolume - SellVolume;

    public readonly Int128 TotalPremiumCents => BuyPremiumCents + SellPremiumCents + MidPremiumCents;

    /// <summary>Buy premium − sell premium, in cents.</summary>
    public readonly Int128 NetPremiumCents => BuyPremiumCents - SellPremiumCents;

    /// <summary>Σ price·size over every print, in dollars per share × contracts.</summary>
    public readonly double PriceSizeSum => (double)TotalPremiumCents / 10_000.0;

    /// <summary>Σ price·size / Σ size; NaN without prints.</summary>
    public readonly double Vwap => TotalVolume == 0 ? double.NaN : PriceSizeSum / (double)TotalVolume;

    public readonly bool IsEmpty => TradeCount == 0;

    public void Add(AggressorSide side, int size, long premiumCents, in LastPrint print)
    {
        switch (side)
        {
            case AggressorSide.Buy:
                BuyVolume += size;
                BuyPremiumCents += premiumCents;
                break;
            case AggressorSide.Sell:
                SellVolume += size;
                SellPremiumCents += premiumCents;
                break;
            default:
                MidVolume += size;
                MidPremiumCents += premiumCents;
                break;
        }

        TradeCount++;
        Last = LastPrint.Latest(Last, print);
    }

    /// <summary>Takes back what <see cref="Add"/> added for one print; <paramref name="last"/> is the latest print left.</summary>
    public void Remove(AggressorSide side, int size, long premiumCents, in LastPrint last)
    {
        switch (side)
        {
            case AggressorSide.Buy:
                BuyVolume -= size;
                BuyPremiumCents -= premiumCents;
                break;
            case AggressorSide.Sell:
                SellVolume -= size;
                SellPremiumCents -= premiumCents;
                break;
            default:
                MidVolume -= size;
                MidPremiumCents -= premiumCents;
                break;
        }

        TradeCount--;
        Last = last;
    }

    public void Merge(in FlowTally other)
    {
        if (other.TradeCount == 0)
        {
            return;
        }

        BuyVolume += other.BuyVolume;
        SellVolume += other.SellVolume;
        MidVolume += other.MidVolume;
        BuyPremiumCents += other.BuyPremiumCents;
        SellPremiumCents += other.SellPremiumCents;
        MidPremiumCents += other.MidPremiumCents;
        Last = LastPrint.Latest(Last, other.Last);
        TradeCount += other.TradeCount;
    }
}
