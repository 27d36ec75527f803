using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>Settings of the market simulator.</summary>
public sealed record SimulatorOptions
{
    public ulong Seed { get; init; } = 1;

    /// <summary>Underlyings to simulate; up to 64 are the core names, beyond that synthetic tickers.</summary>
    public int UniverseSize { get; init; } = 64;

    /// <summary>Multiplies every symbol's print rate.</summary>
    public double Intensity { get; init; } = 1.0;

    /// <summary>Whether prints carry the simulator's IV (a real feed may or may not).</summary>
    public bool IncludeIv { get; init; } = true;

    /// <summary>Minutes between intraday chain refreshes (quotes and IV); 0 for none.</summary>
    public int ChainRefreshMinutes { get; init; } = 60;

    public PricingParameters Pricing { get; init; } = PricingParameters.Default;

    /// <summary>What the tape gets wrong on purpose, as real tapes do (docs/simulated-tape.md).</summary>
    public TapeRealism Realism { get; init; } = TapeRealism.Default;

    /// <summary>Who holds the open interest and who opens or closes (docs/simulated-tape.md, "Market structures"); the truth only.</summary>
    public MarketStructure Structure { get; init; } = MarketStructure.Default;

    /// <summary>
    /// Whether to keep every print's truth and every contract's closing open interest and dealer position
    /// (<see cref="MarketSimulator.Truth"/>); off by default (it holds about 150 bytes a print, with its index). The
    /// tape is the same either way.
    /// </summary>
    public bool RecordTruth { get; init; }
}
