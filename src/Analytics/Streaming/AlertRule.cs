using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;

namespace FlowFunctions.Analytics.Streaming;

/// <summary>
/// A symbol's read at a minute's close, the three things an alert watches: the flow-anomaly score, the dealer-gamma
/// regime (the flow summary's <c>dealer_gex.regime</c>) and the flow summary's <c>flow_direction</c>.
/// </summary>
public readonly record struct SymbolRead(int Score, string Regime, string Direction)
{
    /// <summary>The read of a symbol's chain and flow, as the two endpoints compute it for all expiries.</summary>
    public static SymbolRead Of(ChainFlowInput input)
    {
        var anomaly = FlowAnomalyStrategy.Evaluate(input);
        var summary = FlowSummary.Build(input);
        return new SymbolRead(anomaly.Score, summary.DealerGex.Regime, summary.FlowDirection);
    }
}

/// <summary>One alert: which of the read's parts changed, at which minute close, with the values before and after.</summary>
public readonly record struct StreamAlert(string Symbol, DateTimeOffset Timestamp, string Kind, string Before, string After, int ScoreBefore, int ScoreAfter);

/// <summary>
/// When a symbol's read makes an alert (docs/methodology.md §14): the anomaly score crosses
/// <see cref="AnomalyThreshold"/> either way (from below to at or above, or back), the regime changes, or the flow
/// direction changes. A symbol's first read of the day has nothing before it and makes none. Thread-safe (stateless).
/// </summary>
public static class AlertRule
{
    public const int AnomalyThreshold = 70;
    public const string Anomaly = "anomaly";
    public const string Regime = "regime";
    public const string FlowDirection = "flow_direction";

    public static IEnumerable<StreamAlert> Compare(string symbol, DateTimeOffset at, SymbolRead? before, SymbolRead after)
    {
        if (before is not { } b)
        {
            yield break;
        }

        if (b.Score >= AnomalyThreshold != after.Score >= AnomalyThreshold)
        {
            yield return new StreamAlert(symbol, at, Anomaly, string.Empty, string.Empty, b.Score, after.Score);
        }

        if (!string.Equals(b.Regime, after.Regime, StringComparison.Ordinal))
        {
            yield return new StreamAlert(symbol, at, Regime, b.Regime, after.Regime, b.Score, after.Score);
        }

        if (!string.Equals(b.Direction, after.Direction, StringComparison.Ordinal))
        {
            yield return new StreamAlert(symbol, at, FlowDirection, b.Direction, after.Direction, b.Score, after.Score);
        }
    }
}
