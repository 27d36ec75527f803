using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Analytics.Tests;

public sealed class ExposureTests
{
    private static ContractDayFlow Flow(long buy, long sell, long mid, byte halves = 2)
    {
        var f = new ContractDayFlow();
        var print = new LastPrint(1, 100, 0.2, 1);
        if (buy > 0)
        {
            f.Add(new SideClassification(AggressorSide.Buy, halves), (int)buy, 100 * buy, print);
        }

        if (sell > 0)
        {
            f.Add(new SideClassification(AggressorSide.Sell, halves), (int)sell, 100 * sell, print);
        }

        if (mid > 0)
        {
            f.Add(new SideClassification(AggressorSide.Mid, 0), (int)mid, 100 * mid, print);
        }

        return f;
    }

    [Theory]
    [InlineData(1000, 300, 100, 0, 2, 200, 1200)]     // net buying opens
    [InlineData(1000, 100, 300, 0, 2, -200, 800)]     // net selling closes
    [InlineData(1000, 100, 300, 0, 1, -100, 900)]     // inside-spread prints count half
    [InlineData(100, 0, 500, 0, 2, 400, 500)]         // selling beyond the baseline must open: floor V − B
    [InlineData(0, 0, 7, 0, 2, 7, 7)]                 // a contract with no baseline only grows
    [InlineData(50, 0, 40, 0, 2, -40, 10)]            // selling within the baseline closes
    [InlineData(100, 20, 100, 0, 2, 20, 120)]         // V = 120 > B = 100: floor 20 beats D = −80
    [InlineData(10, 0, 0, 30, 2, 20, 30)]             // mid volume beyond the baseline still raises OI
    public void OiSimulatorFollowsTheModel(long baseline, long buy, long sell, long mid, byte halves, double delta, double effective)
    {
        var oi = OiSimulator.Estimate(baseline, Flow(buy, sell, mid, halves));
        Assert.Equal(delta, oi.Delta);
        Assert.Equal(effective, oi.Effective);
    }

    [Fact]
    public void EffectiveOiClampsAtZeroWhileTheDeltaStaysUnclamped()
    {
        // B = 100, all sells (D = −100), V = 100 is not beyond B: delta −100, effective 0.
        var oi = OiSimulator.Estimate(100, Flow(0, 100, 0));
        Assert.Equal((-100.0, 0.0), (oi.Delta, oi.Effective));
    }

    [Fact]
    public void VolumeBeyondBaselineAlwaysRaisesEffectiveOi()
    {
        var rng = new Random(5);
        for (var i = 0; i < 5_000; i++)
        {
            var baseline = rng.Next(0, 1_000);
            var flow = Flow(rng.Next(0, 800), rng.Next(0, 800), rng.Next(0, 300), (byte)rng.Next(1, 3));
            var oi = OiSimulator.Estimate(baseline, flow);
            if (flow.Flow.TotalVolume > baseline)
            {
                Assert.True(oi.Effective > baseline, $"B={baseline} V={flow.Flow.TotalVolume} effective={oi.Effective}");
            }

            Assert.True(oi.Effective >= 0);
        }
    }

    [Fact]
    public void GexIsPositiveForCallsAndNegativeForPuts()
    {
        // Γ = 0.02, OI = 1,000, S = 100: 0.02 × 1,000 × 100 × 100² × 0.01 = 200,000 dollars per 1% move.
        Assert.Equal(200_000, GammaExposure.OfContract(OptionRight.Call, 0.02, 1_000, 100), 6);
        Assert.Equal(-200_000, GammaExposure.OfContract(OptionRight.Put, 0.02, 1_000, 100), 6);
    }

    [Theory]
    [InlineData(1e6, 1e6, 0, "no_flow")]
    [InlineData(1e6, -2e5, 10, "regime_flip")]
    [InlineData(-1e6, 3e5, 10, "regime_flip")]
    [InlineData(1e6, 1.04e6, 10, "neutral")]
    [InlineData(1e6, 0.96e6, 10, "neutral")]
    [InlineData(1e6, 1.2e6, 10, "amplifying")]
    [InlineData(-1e6, -1.3e6, 10, "amplifying")]
    [InlineData(1e6, 0.7e6, 10, "dampening")]
    [InlineData(0, 5e5, 10, "amplifying")]
    public void FlowDirectionCoversEveryCase(double settled, double live, int withFlow, string expected) =>
        Assert.Equal(expected, FlowSummary.Direction(settled, live, withFlow));

    [Fact]
    public void PctShiftIsNullWhenSettledIsZero()
    {
        Assert.Null(FlowSummary.PctShift(0, 5));
        Assert.Equal(0.094, FlowSummary.PctShift(1e6, 1.094e6)!.Value, 12);
        Assert.Equal(1.2, FlowSummary.PctShift(-1e6, 2e5)!.Value, 12); // (2e5 − (−1e6)) / |−1e6|
    }

    [Fact]
    public void FlowSummaryRecomputesGexOnEffectiveOi()
    {
        var today = new DateOnly(2026, 6, 5);
        var now = new DateTimeOffset(2026, 6, 5, 17, 0, 0, TimeSpan.Zero);
        var call = new OptionKey(today.AddDays(14), 100_000, OptionRight.Call);
        var put = new OptionKey(today.AddDays(14), 95_000, OptionRight.Put);
        var chain = SymbolChain.From(new ChainEvent(now.AddHours(-4), "XYZ", 100,
            [new ChainContract(call, 1_000, 0.3, 2, 2.1), new ChainContract(put, 1_000, 0.3, 1, 1.1)]));
        var flows = new Dictionary<OptionKey, ContractDayFlow> { [put] = Flow(3_000, 0, 0) };
        var input = new ChainFlowInput("XYZ", now, today, 100, now, chain, flows, null, PricingParameters.Default);
        var summary = FlowSummary.Build(input);

        var years = TimeToExpiry.Years(now, call.Expiry);
        var gc = BlackScholes.Greeks(OptionRight.Call, 100, 100, years, 0.3, PricingParameters.Default).Gamma;
        var gp = BlackScholes.Greeks(OptionRight.Put, 100, 95, years, 0.3, PricingParameters.Default).Gamma;
        var settled = GammaExposure.OfContract(OptionRight.Call, gc, 1_000, 100) + GammaExposure.OfContract(OptionRight.Put, gp, 1_000, 100);
        var live = GammaExposure.OfContract(OptionRight.Call, gc, 1_000, 100) + GammaExposure.OfContract(OptionRight.Put, gp, 4_000, 100);
        Assert.Equal(Rounding.Dollars(live), summary.LiveGex);
        Assert.Equal(Rounding.Ratio((live - settled) / Math.Abs(settled)), summary.FlowGexPctShift);
        Assert.Equal((3_000L, 1, 2), (summary.IntradayOiDelta, summary.ContractsWithFlow, summary.ContractsTotal));
        Assert.Equal(FlowSummary.Direction(settled, live, 1), summary.FlowDirection);
        Assert.Null(summary.Expiry);
        Assert.Equal(0, FlowSummary.Build(input with { Expiry = today.AddDays(7) }).ContractsTotal);
    }

    [Fact]
    public void LaterChainsRefreshQuotesButNotTheBaseline()
    {
        var key = new OptionKey(new DateOnly(2026, 6, 19), 590_000, OptionRight.Call);
        var t0 = new DateTimeOffset(2026, 6, 5, 13, 25, 0, TimeSpan.Zero);
        var first = new ChainEvent(t0, "SPY", 589, [new ChainContract(key, 1_000, 0.18, 1.2, 1.25)]);
        var later = new ChainEvent(t0.AddHours(2), "SPY", 592, [new ChainContract(key, 9_999, 0.20, 1.5, 1.55)]);
        foreach (var order in new[] { new[] { first, later }, [later, first] })
        {
            var chain = SymbolChain.From(order[0]);
            chain.Apply(order[1]);
            var quote = chain.Contracts[key];
            Assert.Equal((1_000L, 0.20, 1.5, 592.0), (quote.BaselineOi, quote.Iv, quote.Bid, chain.Spot));
        }
    }

    [Fact]
    public void AChainSentInPartsWithOneTimestampIsOneBaselineSnapshot()
    {
        var t0 = new DateTimeOffset(2026, 6, 5, 13, 25, 0, TimeSpan.Zero);
        var contracts = Enumerable.Range(0, 6)
            .Select(i => new ChainContract(new OptionKey(new DateOnly(2026, 6, 19), 585_000 + (i * 1_000), i % 2 == 0 ? OptionRight.Call : OptionRight.Put), 100 * (i + 1), 0.18, 1.2, 1.25))
            .ToArray();
        var whole = SymbolChain.From(new ChainEvent(t0, "SPY", 589, contracts));
        var head = new ChainEvent(t0, "SPY", 589, contracts[..4]);
        var tail = new ChainEvent(t0, "SPY", 589, contracts[4..]);
        var later = new ChainEvent(t0.AddHours(1), "SPY", 590, [contracts[5] with { OpenInterest = 9_999 }]);
        foreach (var order in new[] { new[] { head, tail, later }, [tail, head, later], [later, tail, head] })
        {
            var chain = SymbolChain.From(order[0]);
            chain.Apply(order[1]);
            chain.Apply(order[2]);
            Assert.Equal(t0, chain.BaselineTimestamp);
            Assert.Equal(whole.Contracts.ToDictionary(c => c.Key, c => c.Value.BaselineOi), chain.Contracts.ToDictionary(c => c.Key, c => c.Value.BaselineOi));
        }
    }
}
