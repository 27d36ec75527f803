using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Json;
using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Analytics.Tests;

public sealed class FlowAnomalyTests
{
    private static readonly DateOnly Today = new(2026, 6, 5);
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SeedSpreadArithmetic()
    {
        // Seed page: sell 588P at 1.42, buy 578P at 0.72 → credit 0.70, max loss 9.30, breakeven 587.30.
        var s = VerticalSpread.Build(OptionRight.Put, new DateOnly(2026, 6, 19),
            new LegQuote(588, -0.25, 1.42, 1.40, 1.44, 10_000), new LegQuote(578, -0.12, 0.72, 0.70, 0.74, 10_000), 72, 0.88)!;
        Assert.Equal(("short_put_spread", 0.70, 0.70, 9.30), (s.Structure, s.Credit!.Value, s.MaxProfit, s.MaxLoss));
        Assert.Equal([587.30], s.Breakevens);
        Assert.Null(s.Debit);
        Assert.Equal(("sell", "put", 588.0, 1.42), (s.Legs[0].Action, s.Legs[0].Type, s.Legs[0].Strike, s.Legs[0].Premium));
        Assert.Equal(("buy", "put", 578.0, 0.72), (s.Legs[1].Action, s.Legs[1].Type, s.Legs[1].Strike, s.Legs[1].Premium));

        // docs/methodology.md §10's natural fills: 588P quoted 1.38 × 1.46, 578P 0.69 × 0.75 → sell at 1.38, buy at
        // 0.75, natural credit 0.63, natural max loss 9.37; the mid figures are unchanged.
        var natural = VerticalSpread.Build(OptionRight.Put, new DateOnly(2026, 6, 19),
            new LegQuote(588, -0.25, 1.42, 1.38, 1.46, 10_000), new LegQuote(578, -0.12, 0.72, 0.69, 0.75, 10_000), 72, 0.88)!;
        Assert.Equal((1.38, 0.75), (natural.Legs[0].NaturalPrice, natural.Legs[1].NaturalPrice));
        Assert.Equal((0.63, 9.37, 0.70, 9.30), (natural.NaturalCredit, natural.NaturalMaxLoss, natural.Credit!.Value, natural.MaxLoss));

        var call = VerticalSpread.Build(OptionRight.Call, new DateOnly(2026, 6, 19),
            new LegQuote(600, 0.25, 1.50, 1.45, 1.55, 1), new LegQuote(610, 0.12, 0.60, 0.55, 0.65, 1), 70, 0.5)!;
        Assert.Equal((0.90, 9.10), (call.Credit!.Value, call.MaxLoss));
        Assert.Equal([600.90], call.Breakevens);
    }

    [Fact]
    public void LegsAreNearestTheTargetDeltasAndTheWingIsFurtherOut()
    {
        LegQuote[] puts =
        [
            new(570, -0.08, 0.5, 0.49, 0.51, 1), new(575, -0.11, 0.65, 0.64, 0.66, 1), new(580, -0.14, 0.8, 0.79, 0.81, 1),
            new(585, -0.22, 1.2, 1.19, 1.21, 1), new(588, -0.26, 1.42, 1.41, 1.43, 1), new(592, -0.38, 2.5, 2.49, 2.51, 1),
        ];
        var legs = VerticalSpread.PickLegs(OptionRight.Put, puts)!.Value;
        Assert.Equal((588.0, 575.0), (legs.Short.Strike, legs.Long.Strike));
    }

    private static ChainFlowInput Market(long callBuys, long putBuys, long callSells = 0, long putSells = 0, int prints = 400)
    {
        var expiry = Today.AddDays(14);
        var contracts = new List<ChainContract>();
        for (var strike = 560; strike <= 620; strike += 2)
        {
            foreach (var right in new[] { OptionRight.Call, OptionRight.Put })
            {
                var key = new OptionKey(expiry, strike * 1000, right);
                var price = BlackScholes.Price(right, 590, strike, TimeToExpiry.Years(Now, expiry), 0.18, PricingParameters.Default);
                contracts.Add(new ChainContract(key, 5_000, 0.18, Math.Round(price * 0.98, 2), Math.Round(price * 1.02, 2)));
            }
        }

        var chain = SymbolChain.From(new ChainEvent(Now.AddHours(-5), "SPY", 590, contracts));
        var flows = new Dictionary<OptionKey, ContractDayFlow>();
        void Add(int strike, OptionRight right, AggressorSide side, long size)
        {
            if (size == 0)
            {
                return;
            }

            var key = new OptionKey(expiry, strike * 1000, right);
            var f = flows.GetValueOrDefault(key);
            var per = Math.Max(1, size / (prints / 4));
            for (long done = 0; done < size; done += per)
            {
                var n = (int)Math.Min(per, size - done);
                f.Add(new SideClassification(side, 2), side == AggressorSide.Buy ? 950 : 50, n, 200L * 100 * n, new LastPrint(Now.UtcTicks, 590, 0.18, 2)); // at the touch
            }

            flows[key] = f;
        }

        Add(596, OptionRight.Call, AggressorSide.Buy, callBuys);
        Add(584, OptionRight.Put, AggressorSide.Buy, putBuys);
        Add(600, OptionRight.Call, AggressorSide.Sell, callSells);
        Add(580, OptionRight.Put, AggressorSide.Sell, putSells);
        return new ChainFlowInput("SPY", Now, Today, 590, Now.AddSeconds(-5), chain, flows, null, PricingParameters.Default);
    }

    [Fact]
    public void OneSidedBullishTapeIsACandidateShortPutSpread()
    {
        var r = FlowAnomalyStrategy.Evaluate(Market(callBuys: 60_000, putBuys: 8_000, putSells: 20_000));
        Assert.Equal(("flow_anomaly", "candidate", "bullish_flow_imbalance", "bullish"), (r.Strategy, r.Decision, r.Regime, r.Metrics.Bias));
        Assert.True(r.Score >= 70, $"score {r.Score}");
        var s = Assert.Single(r.BestStructures);
        Assert.Equal("short_put_spread", s.Structure);
        Assert.True(s.Legs[0].Strike > s.Legs[1].Strike);
        Assert.Equal(Math.Round(Math.Abs(s.Legs[0].Strike - s.Legs[1].Strike) - s.Credit!.Value, 2), s.MaxLoss);
        Assert.Equal(Math.Round(60_000.0 / 28_000, 4), r.Metrics.CallPutVolumeRatio); // calls / (put buys + put sells)
        Assert.Equal(1.0, r.Metrics.CallPutOiRatio);
        Assert.Contains(r.Why, w => w.StartsWith("Call volume outweighs put volume", StringComparison.Ordinal));
        Assert.True(r.DataQuality.Score >= 70);
    }

    [Fact]
    public void BearishTapeProposesAShortCallSpread()
    {
        var r = FlowAnomalyStrategy.Evaluate(Market(callBuys: 5_000, putBuys: 70_000, callSells: 20_000));
        Assert.Equal(("bearish_flow_imbalance", "short_call_spread"), (r.Regime, Assert.Single(r.BestStructures).Structure));
        Assert.True(r.BestStructures[0].Breakevens[0] > r.BestStructures[0].Legs[0].Strike);
    }

    [Fact]
    public void TwoSidedTapeIsNoSetup()
    {
        var r = FlowAnomalyStrategy.Evaluate(Market(callBuys: 30_000, putBuys: 30_000));
        Assert.Equal(("no_setup", "neutral_flow"), (r.Decision, r.Regime));
        Assert.Empty(r.BestStructures);
    }

    [Fact]
    public void TooLittleFlowOrNoChainIsInsufficientData()
    {
        Assert.Equal("insufficient_data", FlowAnomalyStrategy.Evaluate(Market(callBuys: 40, putBuys: 0, prints: 8)).Decision);
        var noChain = Market(callBuys: 60_000, putBuys: 8_000) with { Chain = null };
        var r = FlowAnomalyStrategy.Evaluate(noChain);
        Assert.Equal("insufficient_data", r.Decision);
        Assert.Contains(r.DataQuality.Warnings, w => w.Contains("baseline", StringComparison.Ordinal));
    }

    [Fact]
    public void ScoreNeverFallsAsTheImbalanceGrows()
    {
        var previous = -1;
        for (long callBuys = 10_000; callBuys <= 400_000; callBuys += 10_000)
        {
            var score = FlowAnomalyStrategy.Evaluate(Market(callBuys, putBuys: 10_000, callSells: 3_000, putSells: 2_000)).Score;
            Assert.InRange(score, previous, 100);
            previous = score;
        }

        previous = -1;
        for (long against = 50_000; against >= 0; against -= 5_000)
        {
            var score = FlowAnomalyStrategy.Evaluate(Market(callBuys: 60_000, putBuys: against)).Score;
            Assert.InRange(score, previous, 100);
            previous = score;
        }
    }

    [Fact]
    public void DominantPremiumIsTheLargerDirectionalSide()
    {
        var r = FlowAnomalyStrategy.Evaluate(Market(callBuys: 10_000, putBuys: 4_000, callSells: 1_000, putSells: 2_000));
        // Every print is at $2.00: bullish = (10,000 + 2,000) × $200; bearish = (4,000 + 1,000) × $200.
        Assert.Equal(2_400_000, r.Metrics.DominantPremiumUsd);
        Assert.Equal(Math.Round(12.0 / 17, 4), r.Metrics.DominantPremiumPct);
        Assert.Equal(17_000, r.Metrics.TotalVolume);
    }

    [Fact]
    public void EnvelopeSerializesWithTheSeedFieldNames()
    {
        var json = JsonSerializer.Serialize(FlowAnomalyStrategy.Evaluate(Market(60_000, 8_000)), AnalyticsJsonContext.Default.FlowAnomalyResponse);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        foreach (var name in new[] { "strategy", "symbol", "timestamp", "decision", "score", "confidence", "regime", "best_structures", "metrics", "risk_flags", "why", "avoid_if", "data_quality" })
        {
            Assert.True(root.TryGetProperty(name, out _), name);
        }

        foreach (var name in new[] { "bias", "call_put_volume_ratio", "call_put_oi_ratio", "total_volume", "total_open_interest", "underlying_price", "dominant_premium_usd", "dominant_premium_pct", "top3_strikes_volume_pct" })
        {
            Assert.True(root.GetProperty("metrics").TryGetProperty(name, out _), name);
        }

        var structure = root.GetProperty("best_structures")[0];
        foreach (var name in new[] { "rank", "structure", "expiry", "legs", "credit", "debit", "max_profit", "max_loss", "breakevens", "edge_score", "liquidity_score" })
        {
            Assert.True(structure.TryGetProperty(name, out _), name);
        }

        Assert.Equal("2026-06-05T18:00:00Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Null, structure.GetProperty("debit").ValueKind);
    }
}

public sealed class FlowAnomalyScoreTests
{
    [Fact]
    public void MethodologyWorkedScoreIs69()
    {
        // docs/methodology.md §10: bullish $2.4M vs bearish $1.0M, directional volume 12,000 vs 5,000.
        var totals = new FlowAnomalyStrategy.FlowTotals(12_000, 5_000, 0, 0, 240_000_000, 100_000_000, 12_000, 5_000, 500, 1, 0.3, 0, 0, 10);
        Assert.Equal(69, FlowAnomalyStrategy.Score(totals));
        Assert.Equal(1.0, FlowAnomalyStrategy.Confidence(totals), 10);
        Assert.Equal(FlowBias.Bullish, FlowAnomalyStrategy.Bias(totals));
    }
}
