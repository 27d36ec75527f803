namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// How often the simulated tape does what real option tapes do that a quote rule cannot see through
/// (docs/simulated-tape.md, "What the tape gets wrong on purpose"). Each rate is a probability per print (or per
/// order, where it says so). <see cref="None"/> gives a clean tape: every print on its aggressor's side of the mid.
/// </summary>
public sealed record TapeRealism
{
    /// <summary>The defaults: rates of the order of those reported for US equity options (docs/simulated-tape.md).</summary>
    public static TapeRealism Default { get; } = new();

    /// <summary>A tape without any of it: the quote rule is right on every print that is not at the mid.</summary>
    public static TapeRealism None { get; } = new()
    {
        MarketMakerInitiated = 0,
        PriceImprovementSmall = 0,
        PriceImprovementLarge = 0,
        StaleQuote = 0,
        LockedQuote = 0,
        MultiLegOrders = 0,
        UnmarkedPackages = 0,
        Late = 0,
        Cancelled = 0,
    };

    /// <summary>Per order: the aggressor is a market maker taking a customer's resting order, so the customer is on the passive side.</summary>
    public double MarketMakerInitiated { get; init; } = 0.08;

    /// <summary>
    /// Per single-leg order of fewer than 10 contracts with a spread of three ticks or more: filled inside the spread on
    /// the far side of the mid, as price-improvement auctions fill small (retail) orders.
    /// </summary>
    public double PriceImprovementSmall { get; init; } = 0.2;

    /// <summary>The same for single-leg orders of 10 contracts or more.</summary>
    public double PriceImprovementLarge { get; init; } = 0.03;

    /// <summary>Per print: the quote attached to the print lags the market by one to three ticks either way.</summary>
    public double StaleQuote { get; init; } = 0.03;

    /// <summary>Per print: the quote attached is locked (bid = ask) at the print's price.</summary>
    public double LockedQuote { get; init; } = 0.01;

    /// <summary>Per order: a multi-leg package (vertical, straddle, risk reversal, butterfly) instead of a single order.</summary>
    public double MultiLegOrders { get; init; } = 0.06;

    /// <summary>Per package: its legs print without the multi-leg condition code.</summary>
    public double UnmarkedPackages { get; init; } = 0.2;

    /// <summary>Per print: reported late (condition <c>late</c>), stamped 5 to 300 seconds before it appears on the tape.</summary>
    public double Late { get; init; } = 0.004;

    /// <summary>
    /// Per print: busted by its exchange, so a cancel naming it follows on the tape 1 to 180 seconds after the print
    /// appeared (no later than the close). The trade never happened: it changes no position in the truth. Drawn from a
    /// generator of its own, so the rest of the tape is the same at any rate.
    /// </summary>
    public double Cancelled { get; init; } = 0.001;
}
