using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Simulation;

namespace FlowFunctions.Analytics.Tests;

/// <summary>
/// docs/methodology.md §10 "Explanations": over simulated days, hour by hour, every symbol's flow-anomaly answer is
/// read as a trader would, and none may contradict its own decision.
/// </summary>
public sealed class ExplanationTests
{
    private static readonly string[] ProbabilityWords = ["likely", "probab", "chance", "odds", "certain"];

    [Fact]
    public void NoExplanationContradictsItsDecision()
    {
        var seen = new HashSet<(string Regime, string Decision)>();
        var answers = 0;
        foreach (var seed in (ReadOnlySpan<ulong>)[1, 2])
        {
            var sim = new MarketSimulator(new SimulatorOptions { Seed = seed, UniverseSize = 32 }, new DateOnly(2026, 6, 5));
            var market = new MarketState();
            var fold = new FlowFold(Pricing.PricingParameters.Default);
            var batch = new EventBatch();
            foreach (var chain in sim.MorningChains())
            {
                batch.Add(chain);
            }

            for (var minutes = 15; minutes <= 390; minutes += 45)
            {
                var now = sim.SessionOpen.AddMinutes(minutes).AddSeconds(-1);
                sim.AdvanceTo(now, batch);
                fold.AddBatch(batch, market);
                batch.Clear();
                foreach (var u in sim.Universe)
                {
                    var flows = fold.Contracts.Where(kv => kv.Key.Symbol == u.Symbol).ToDictionary(kv => kv.Key.Contract, kv => kv.Value);
                    market.TryGetSpot(u.Symbol, out var spot);
                    var input = new ChainFlowInput(u.Symbol, now, sim.TradingDate, spot.Price, spot.Timestamp,
                        market.Chain(u.Symbol, sim.TradingDate), flows, null, fold.Pricing);
                    var answer = FlowAnomalyStrategy.Evaluate(input);
                    var totals = FlowAnomalyStrategy.Sum(ChainFlow.Positions(input), input.Today);
                    Check(answer, totals);
                    seen.Add((answer.Regime, answer.Decision));
                    answers++;
                }
            }
        }

        Assert.True(answers > 500);
        foreach (var expected in new[] { ("bullish_flow_imbalance", "candidate"), ("bearish_flow_imbalance", "candidate"), ("bullish_flow_imbalance", "no_setup"), ("bearish_flow_imbalance", "no_setup"), ("neutral_flow", "no_setup") })
        {
            Assert.Contains(expected, seen);
        }
    }

    private static void Check(FlowAnomalyResponse a, FlowAnomalyStrategy.FlowTotals t)
    {
        var context = $"{a.Symbol} {a.Decision} {a.Regime}: {string.Join(" | ", a.Why)}";
        var bias = a.Regime switch { "bullish_flow_imbalance" => "bullish", "bearish_flow_imbalance" => "bearish", _ => "neutral" };
        Assert.NotEmpty(a.Why);
        var first = a.Why[0];
        if (a.Decision == "insufficient_data")
        {
            Assert.DoesNotContain("Score", first, StringComparison.Ordinal);
            return;
        }

        // The first line is the measure and threshold that set the read.
        Assert.Contains("55 %", first, StringComparison.Ordinal);
        Assert.Contains(bias == "neutral" ? "no tilt" : $"{bias} read", first, StringComparison.Ordinal);
        if (bias != "neutral")
        {
            // The second says what made it a candidate, or what it missed.
            Assert.True(a.Decision == "candidate"
                ? a.Why[1].Contains("meets the 70", StringComparison.Ordinal)
                : a.Why[1].Contains("under the 70", StringComparison.Ordinal) || a.Why[1].StartsWith("No spread", StringComparison.Ordinal), context);
        }

        // Facts that point the other way say so.
        foreach (var line in a.Why)
        {
            var against = line.StartsWith("Against: ", StringComparison.Ordinal);
            if (line.Contains("Call volume outweighs", StringComparison.Ordinal))
            {
                Assert.True(against == (bias == "bearish"), context);
            }

            if (line.Contains("Put volume outweighs", StringComparison.Ordinal))
            {
                Assert.True(against == (bias == "bullish"), context);
            }
        }

        if (bias != "neutral" && t.AlignedVolumeShare < 0.5)
        {
            Assert.Contains(a.Why, l => l.StartsWith("Against: only", StringComparison.Ordinal));
        }

        // The score line names only the parts that contributed.
        var (p, q, size) = FlowAnomalyStrategy.ScoreParts(t);
        var scoreLine = Assert.Single(a.Why, l => l.StartsWith("Score ", StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal));
        Assert.Equal(p > 0, scoreLine.Contains("premium share", StringComparison.Ordinal));
        Assert.Equal(q > 0, scoreLine.Contains("volume share", StringComparison.Ordinal));
        Assert.Equal(size > 0, scoreLine.Contains("premium size", StringComparison.Ordinal));

        // No words of probability anywhere, and every risk flag carries what it measured.
        foreach (var text in a.Why.Concat(a.AvoidIf).Concat(a.RiskFlags.Select(f => f.Message)))
        {
            Assert.DoesNotContain(ProbabilityWords, w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
        }

        Assert.All(a.RiskFlags, f => Assert.Matches("[0-9]", f.Message));
    }
}
