namespace FlowFunctions.Analytics.Events;

/// <summary>The <c>side</c> an event may carry to override classification (docs/api.md "Events").</summary>
public enum SideHint : byte
{
    None = 0,
    Buy = 1,
    Sell = 2,
    Mid = 3,
}

/// <summary>Sale conditions the analytics recognise; others are accepted and ignored.</summary>
[Flags]
public enum TradeConditions : ushort
{
    None = 0,
    Sweep = 1 << 0,
    Block = 1 << 1,
    Split = 1 << 2,
    MultiLeg = 1 << 3,
    Cross = 1 << 4,
    Auction = 1 << 5,
    Late = 1 << 6,
    Floor = 1 << 7,
}

/// <summary>Kinds of event in the contract of docs/api.md "Events".</summary>
public enum MarketEventKind : byte
{
    Trade = 1,
    Chain = 2,
    Spot = 3,
    Cancel = 4,
}

/// <summary>
/// An option print (docs/api.md "Events"). Optional numbers are <see cref="double.NaN"/> when absent, so the struct stays
/// compact and the hot path needs no nullable unwrapping. <see cref="Timestamp"/> is in UTC.
/// </summary>
public readonly record struct TradeEvent(
    DateTimeOffset Timestamp,
    string Underlying,
    OptionKey Contract,
    double Price,
    int Size,
    double Bid = double.NaN,
    double Ask = double.NaN,
    double Spot = double.NaN,
    double Iv = double.NaN,
    SideHint Side = SideHint.None,
    string? Exchange = null,
    TradeConditions Conditions = TradeConditions.None,
    TradeId Id = default)
{
    public bool HasSpot => Spot > 0;

    public bool HasIv => Iv > 0;

    /// <summary>Premium in cents: price × size × 100 dollars, with the price taken to 1/10,000 of a dollar.</summary>
    public long PremiumCents => PriceTicks(Price) * Size;

    /// <summary>A price in 1/10,000 of a dollar, the resolution at which premiums are summed exactly.</summary>
    public static long PriceTicks(double price) => (long)Math.Round(price * 10_000, MidpointRounding.AwayFromZero);
}

/// <summary>One contract of a chain snapshot. Optional numbers are NaN when absent.</summary>
public readonly record struct ChainContract(OptionKey Contract, long OpenInterest, double Iv = double.NaN, double Bid = double.NaN, double Ask = double.NaN);

/// <summary>
/// An option-chain snapshot (docs/api.md "Events"). The first of a trading date is that date's settled open-interest baseline;
/// later ones refresh quotes, IV and spot. <see cref="Spot"/> is NaN when absent.
/// </summary>
public sealed record ChainEvent(DateTimeOffset Timestamp, string Underlying, double Spot, IReadOnlyList<ChainContract> Contracts);

/// <summary>An underlying price (docs/api.md "Events").</summary>
public readonly record struct SpotEvent(DateTimeOffset Timestamp, string Underlying, double Price);

/// <summary>
/// A cancel (docs/api.md "Events"): the feed withdraws the print it names. It repeats that print's time, underlying,
/// contract and <c>id</c>, as a feed's cancel message repeats the report it cancels; the print's aggregates are
/// un-folded exactly (docs/methodology.md §13).
/// </summary>
public readonly record struct CancelEvent(DateTimeOffset Timestamp, string Underlying, OptionKey Contract, TradeId Id);
