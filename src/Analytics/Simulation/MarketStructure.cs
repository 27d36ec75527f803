namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// Who holds the open interest and who opens or closes on a print (docs/simulated-tape.md, "Market structures"): the
/// story of the market behind the tape. The default is the structure the shipped constants were fitted on; the
/// <see cref="Alternatives"/> are other stories, each as plausible, against which the accuracy report scores the same
/// constants (docs/methodology.md "Accuracy"). A structure changes only the truth, never the tape: it draws from the
/// truth's own generator.
/// </summary>
public sealed record MarketStructure
{
    /// <summary>The structure the sign table, the OI coefficients and the dealer constants were fitted on.</summary>
    public static MarketStructure Default { get; } = new();

    /// <summary>
    /// Customers close far more than they open, and how often depends on the contract and the customer: the intraday
    /// round trip of short-dated options, retail closing what it bought, institutions opening.
    /// </summary>
    public static MarketStructure Closers { get; } = new() { Name = "closers", ClosingByContractAndCustomer = true };

    /// <summary>Dealers' morning share of open interest differs widely by name and is short calls or long puts for some.</summary>
    public static MarketStructure DealersVary { get; } = new() { Name = "dealers-vary", DealerShareMean = 0.1, DealerShareSd = 0.35, DealerShareMin = -0.6, DealerShareMax = 0.8 };

    /// <summary>A third of prints are customers trading with customers (inside the spread or at it): dealers do not move.</summary>
    public static MarketStructure Crossed { get; } = new() { Name = "crossed", CustomerToCustomer = 1.0 / 3 };

    /// <summary>The other stories the accuracy report scores the shipped constants under.</summary>
    public static IReadOnlyList<MarketStructure> Alternatives { get; } = [Closers, DealersVary, Crossed];

    public string Name { get; init; } = "default";

    /// <summary>Mean of a name's dealer net share of the morning OI (long calls, short puts positive), drawn per name and right.</summary>
    public double DealerShareMean { get; init; } = 0.3;

    public double DealerShareSd { get; init; } = 0.12;

    public double DealerShareMin { get; init; } = 0.05;

    public double DealerShareMax { get; init; } = 0.6;

    /// <summary>
    /// When set, a customer holding the other side closes with a probability set by days to expiry (0DTE 0.95, 1–7
    /// days 0.9, 8–30 days 0.8, longer 0.65), raised by 0.05 for a contract more than 5 % out of the money, and scaled
    /// by the customer: ×1.05 for fewer than 10 contracts (retail), ×0.8 for 50 or more (institutions), capped at 0.98;
    /// not damped by how much is held. Unset: the default rule of <c>PositionBook</c>.
    /// </summary>
    public bool ClosingByContractAndCustomer { get; init; }

    /// <summary>Per print: the passive side is another customer, not a dealer.</summary>
    public double CustomerToCustomer { get; init; }
}
