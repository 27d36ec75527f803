namespace FlowFunctions.Analytics.Simulation;

/// <summary>A regime a symbol was in, from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
public readonly record struct RegimeSpan(string Symbol, FlowRegime Regime, DateTimeOffset Start, DateTimeOffset End);
