namespace FlowFunctions.Functions.Simulation;

/// <summary>The <c>Simulator</c> configuration section (README "Settings").</summary>
public sealed class SimulatorFeedOptions
{
    public const string Section = "Simulator";

    /// <summary>On by default in Development (appsettings.Development.json), off otherwise.</summary>
    public bool Enabled { get; set; }

    public ulong Seed { get; set; } = 1;

    /// <summary>Underlyings simulated: the 64 core names, or more with synthetic tickers (up to 6,000).</summary>
    public int UniverseSize { get; set; } = 64;

    /// <summary>Scales the print rate.</summary>
    public double Intensity { get; set; } = 1.0;

    /// <summary>When the market is closed at start-up, replay the latest session on a market clock set back (see <c>MarketClock</c>).</summary>
    public bool ReplayWhenClosed { get; set; } = true;

    /// <summary>How often the live stream advances.</summary>
    public int TickMilliseconds { get; set; } = 250;

    /// <summary>Events per ingest batch, as the Event Hubs trigger delivers them.</summary>
    public int BatchSize { get; set; } = 1_000;
}
