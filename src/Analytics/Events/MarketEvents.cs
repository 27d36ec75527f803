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

/// <summary>
/// The one vocabulary of trade conditions (docs/methodology.md §2): the name each flag is written with, and the
/// spellings read as it. The writer, the parser and the vendor importers all use these names.
/// </summary>
public static class TradeConditionNames
{
    /// <summary>The name a flag is written with: <c>sweep</c>, <c>block</c>, <c>split</c>, <c>multi_leg</c>, <c>cross</c>, <c>auction</c>, <c>late</c>, <c>floor</c>.</summary>
    public static string Name(TradeConditions flag) => flag switch
    {
        TradeConditions.Sweep => "sweep",
        TradeConditions.Block => "block",
        TradeConditions.Split => "split",
        TradeConditions.MultiLeg => "multi_leg",
        TradeConditions.Cross => "cross",
        TradeConditions.Auction => "auction",
        TradeConditions.Late => "late",
        TradeConditions.Floor => "floor",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "Not a single condition."),
    };

    /// <summary>
    /// The flag a condition's text names, any case: its name, or an accepted older spelling (<c>multileg</c> and
    /// <c>spread</c> for <c>multi_leg</c>; <c>isosweep</c> and <c>iso</c> for <c>sweep</c>). Unknown text is no flag.
    /// </summary>
    public static TradeConditions Parse(ReadOnlySpan<byte> text) =>
        System.Text.Ascii.EqualsIgnoreCase(text, "sweep"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "isosweep"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "iso"u8) ? TradeConditions.Sweep
        : System.Text.Ascii.EqualsIgnoreCase(text, "block"u8) ? TradeConditions.Block
        : System.Text.Ascii.EqualsIgnoreCase(text, "split"u8) ? TradeConditions.Split
        : System.Text.Ascii.EqualsIgnoreCase(text, "multi_leg"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "multileg"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "spread"u8) ? TradeConditions.MultiLeg
        : System.Text.Ascii.EqualsIgnoreCase(text, "cross"u8) ? TradeConditions.Cross
        : System.Text.Ascii.EqualsIgnoreCase(text, "auction"u8) ? TradeConditions.Auction
        : System.Text.Ascii.EqualsIgnoreCase(text, "late"u8) ? TradeConditions.Late
        : System.Text.Ascii.EqualsIgnoreCase(text, "floor"u8) ? TradeConditions.Floor
        : TradeConditions.None;
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
