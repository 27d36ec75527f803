using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Flow;

/// <summary>
/// What the chain-level endpoints (flow summary, flow anomaly) are computed from: one symbol's chain for today,
/// today's per-contract flow, the last known spot, the request time, and an optional expiry filter.
/// </summary>
/// <param name="Spot">Last known underlying price; NaN when unknown.</param>
/// <param name="SpotTimestamp">When <paramref name="Spot"/> was observed.</param>
public sealed record ChainFlowInput(
    string Symbol,
    DateTimeOffset Now,
    DateOnly Today,
    double Spot,
    DateTimeOffset SpotTimestamp,
    SymbolChain? Chain,
    IReadOnlyDictionary<OptionKey, ContractDayFlow> Flows,
    DateOnly? Expiry,
    PricingParameters Pricing);

/// <summary>One contract of the chain joined with its flow and valued at request time.</summary>
/// <param name="Iv">Latest chain IV, else the IV of the contract's last print; NaN when neither.</param>
/// <param name="Delta">BSM delta at request time, spot and <paramref name="Iv"/>; NaN when not computable.</param>
/// <param name="Gamma">Delta change over a ±0.5 % move likewise (<see cref="GammaMove"/>, per share); NaN when not computable.</param>
public readonly record struct ContractPosition(OptionKey Key, ChainQuote Quote, bool Listed, ContractDayFlow Flow, OiEstimate Oi, double Iv, double Delta, double Gamma);

/// <summary>
/// Joins a chain with today's flow (docs/methodology.md §9): the universe is every contract the chain lists plus every contract that
/// traded today, not expired at the request time (a 0DTE contract drops out at 16:00 New York), restricted to the
/// expiry filter when one is given. Thread-safe (stateless).
/// </summary>
public static class ChainFlow
{
    public static List<ContractPosition> Positions(ChainFlowInput input)
    {
        var result = new List<ContractPosition>();
        var chain = input.Chain;
        if (chain is not null)
        {
            foreach (var (key, quote) in chain.Contracts)
            {
                if (Included(input, key))
                {
                    var flow = input.Flows.GetValueOrDefault(key);
                    result.Add(Position(input, key, quote, listed: true, flow));
                }
            }
        }

        foreach (var (key, flow) in input.Flows)
        {
            if (Included(input, key) && (chain is null || !chain.Contracts.ContainsKey(key)))
            {
                var unlisted = new ChainQuote(0, double.NaN, double.NaN, double.NaN, 0);
                result.Add(Position(input, key, unlisted, listed: false, flow));
            }
        }

        result.Sort((a, b) => a.Key.CompareTo(b.Key));
        return result;
    }

    /// <summary>Not expired at the request time (expiry is 16:00 New York on the expiry date), and on the filter if any.</summary>
    private static bool Included(ChainFlowInput input, OptionKey key) =>
        key.Expiry >= input.Today && (key.Expiry > input.Today || input.Now < NewYorkTime.CloseUtc(key.Expiry))
        && (input.Expiry is not { } e || key.Expiry == e);

    private static ContractPosition Position(ChainFlowInput input, OptionKey key, ChainQuote quote, bool listed, ContractDayFlow flow)
    {
        var iv = quote.Iv > 0 ? quote.Iv : flow.Flow.Last.Iv > 0 ? flow.Flow.Last.Iv : double.NaN;
        double delta = double.NaN, gamma = double.NaN;
        if (iv > 0 && input.Spot > 0)
        {
            var years = TimeToExpiry.Years(input.Now, key.Expiry);
            delta = BlackScholes.DeltaGamma(key.Right, input.Spot, key.Strike, years, iv, input.Pricing).Delta;
            gamma = GammaMove.DeltaChange(key.Right, input.Spot, key.Strike, years, iv, input.Pricing);
        }

        return new ContractPosition(key, quote, listed, flow, OiSimulator.Estimate(quote.BaselineOi, flow, key.Expiry.DayNumber - input.Today.DayNumber), iv, delta, gamma);
    }
}
