using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Classification;

/// <summary>Where a print's price sits against the quote it came with.</summary>
public enum QuotePosition : byte
{
    /// <summary>No usable quote (a side missing, or ask below bid).</summary>
    NoQuote,

    /// <summary>Bid equals ask: the quote says nothing about the side.</summary>
    Locked,
    BelowBid,
    AtBid,
    LowerInside,
    AtMid,
    UpperInside,
    AtAsk,
    AboveAsk,
}

/// <summary>The condition code of a print that matters most to its side, in this order of precedence.</summary>
public enum ConditionClass : byte
{
    Regular,
    Sweep,
    Block,
    Late,
    MultiLeg,
}

/// <summary>
/// What the buy probability of a print reads (docs/methodology.md §2): its position against the quote, its condition
/// class, its spread in ticks (1, 2, 3–5, 6 or more; a tick is $0.01 under $3 and $0.05 from $3) and its size
/// (1–9, 10–99, 100 or more). Together they name one cell of <see cref="TradeSignModel"/>'s table.
/// </summary>
public readonly record struct SignFeatures(QuotePosition Position, ConditionClass Condition, byte SpreadBucket, byte SizeBucket)
{
    public const int Positions = 9;
    public const int Conditions = 5;
    public const int SpreadBuckets = 4;
    public const int SizeBuckets = 3;

    /// <summary>Cells of the table: every combination of the four features.</summary>
    public const int Cells = Positions * Conditions * SpreadBuckets * SizeBuckets;

    /// <summary>This combination's index into the table.</summary>
    public int Cell => ((((((int)Position * Conditions) + (int)Condition) * SpreadBuckets) + SpreadBucket) * SizeBuckets) + SizeBucket;

    public static SignFeatures Of(double price, double bid, double ask, int size, TradeConditions conditions)
    {
        var condition = (conditions & TradeConditions.MultiLeg) != 0 ? ConditionClass.MultiLeg
            : (conditions & TradeConditions.Late) != 0 ? ConditionClass.Late
            : (conditions & TradeConditions.Sweep) != 0 ? ConditionClass.Sweep
            : (conditions & TradeConditions.Block) != 0 ? ConditionClass.Block
            : ConditionClass.Regular;
        var sizeBucket = (byte)(size < 10 ? 0 : size < 100 ? 1 : 2);
        if (!AggressorClassifier.HasQuote(bid, ask))
        {
            return new(QuotePosition.NoQuote, condition, 0, sizeBucket);
        }

        var tick = (bid + ask) / 2 < 3 ? 0.01 : 0.05;
        var ticks = (ask - bid) / tick;
        var spreadBucket = (byte)(ticks < 1.5 ? 0 : ticks < 2.5 ? 1 : ticks < 5.5 ? 2 : 3);
        const double Tolerance = 1e-9;
        var position = ask - bid <= Tolerance ? QuotePosition.Locked
            : price > ask + Tolerance ? QuotePosition.AboveAsk
            : price >= ask - Tolerance ? QuotePosition.AtAsk
            : price < bid - Tolerance ? QuotePosition.BelowBid
            : price <= bid + Tolerance ? QuotePosition.AtBid
            : AggressorClassifier.Classify(price, bid, ask, SideHint.None).Side switch
            {
                AggressorSide.Buy => QuotePosition.UpperInside,
                AggressorSide.Sell => QuotePosition.LowerInside,
                _ => QuotePosition.AtMid,
            };
        return new(position, condition, position == QuotePosition.Locked ? (byte)0 : spreadBucket, sizeBucket);
    }
}
