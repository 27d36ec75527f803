namespace FlowFunctions.Analytics.Simulation;

/// <summary>The simulator's per-symbol flow regimes; each holds for 25–110 minutes before the next is drawn.</summary>
public enum FlowRegime : byte
{
    /// <summary>Two-sided flow, no drift.</summary>
    Neutral = 0,

    /// <summary>Call buying and put selling, upward drift.</summary>
    Bullish = 1,

    /// <summary>Put buying and call selling, downward drift.</summary>
    Bearish = 2,

    /// <summary>Afternoon 0DTE flow piling into the strike nearest spot, spot pulled toward it.</summary>
    Pinning = 3,

    /// <summary>Aggressive near-dated call buying: a squeeze that adds call OI.</summary>
    CallWave = 4,

    /// <summary>Aggressive near-dated put buying: adds put OI fast enough to flip dealer gamma.</summary>
    PutWave = 5,
}
