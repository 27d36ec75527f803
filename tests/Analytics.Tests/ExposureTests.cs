using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Analytics.Tests;

public sealed class ExposureTests
{
    /// <summary>A contract's day: buys, sells and mid prints, with the buy probabilities (thousandths) the model gave them.</summary>
    private static ContractDayFlow Flow(long buy, long sell, long mid, int buyMilli = 950, int sellMilli = 50)
    {
        var f = new ContractDayFlow();
        var print = new LastPrint(1, 100, 0.2, 1);
        if (buy > 0)
        {
            f.Add(new SideClassification(AggressorSide.Buy, 2), buyMilli, (int)buy, 100 * buy, print);
        }

        if (sell > 0)
        {
            f.Add(new SideClassification(AggressorSide.Sell, 2), sellMilli, (int)sell, 100 * sell, print);
        }

        if (mid > 0)
        {
            f.Add(new SideClassification(AggressorSide.Mid, 0), 500, (int)mid, 100 * mid, print);
        }

        return f;
    }

    private static double Formula(long baseline, in ContractDayFlow flow, int dte)
    {
        var c = OiModel.For(dte);
        var volume = (double)flow.Flow.TotalVolume;
        var raw = (c.Signed * flow.ExpectedSigned) + (c.Volume * volume) + (c.Turnover * OiSimulator.Turnover(volume, baseline));
        return Math.Clamp(Math.Round(raw, MidpointRounding.AwayFromZero), -baseline, volume);
    }

    [Theory]
    [InlineData(1000, 300, 100, 0, 14)]
    [InlineData(1000, 100, 300, 0, 3)]
    [InlineData(100, 0, 500, 0, 60)]
    [InlineData(0, 0, 7, 0, 0)]
    [InlineData(50, 0, 40, 0, 0)]
    [InlineData(10, 0, 0, 30, 21)]
    public void TheEstimateIsTheFittedFormulaInsideTheHardBounds(long baseline, long buy, long sell, long mid, int dte)
    {
        var flow = Flow(buy, sell, mid);
        var oi = OiSimulator.Estimate(baseline, flow, dte);
        Assert.Equal(Formula(baseline, flow, dte), oi.Delta);
        Assert.Equal(baseline + oi.Delta, oi.Effective);
    }

    /// <summary>
    /// docs/methodology.md §8's worked example, number for number: a 14-day contract, B = 1,000; 300 contracts bought at
    /// the ask and 100 sold at the bid of a two-tick spread (1.00 × 1.10), in lots of 30.
    /// </summary>
    [Fact]
    public void TheWorkedExampleOfTheMethodologyHolds()
    {
        var atAsk = TradeSignModel.BuyMilli(1.10, 1.00, 1.10, 30, TradeConditions.None, SideHint.None);
        var atBid = TradeSignModel.BuyMilli(1.00, 1.00, 1.10, 30, TradeConditions.None, SideHint.None);
        var flow = Flow(300, 100, 0, atAsk, atBid);
        var c = OiModel.For(14);
        Assert.Equal((WorkedAtAsk, WorkedAtBid), (atAsk, atBid));
        Assert.Equal(WorkedCoefficients, (c.Signed, c.Volume, c.Turnover));
        Assert.Equal(WorkedDelta, OiSimulator.Estimate(1_000, flow, 14).Delta);
    }

    private const int WorkedAtAsk = 994, WorkedAtBid = 8;
    private const long WorkedDelta = 309;
    private static readonly (double, double, double) WorkedCoefficients = (0.0319, 0.9909, -0.3293);

    /// <summary>
    /// The withdrawn rule forced ΔOI ≥ V − B. A contract with baseline 100 that closes 100, opens 100 and closes 100
    /// trades 300 and ends 100 lower: ΔOI = −100, which that rule could never give (it said at least +200).
    /// </summary>
    [Fact]
    public void OpeningAndClosingTheSameDayIsNotForcedUp()
    {
        var flow = Flow(buy: 100, sell: 200, mid: 0);
        var oi = OiSimulator.Estimate(100, flow, 0);
        Assert.InRange(oi.Delta, -100, 300);
        Assert.True(oi.Delta < 200, $"estimate {oi.Delta}: a same-day round trip must not be forced to V − B");
    }

    [Fact]
    public void TheEstimateNeverLeavesTheHardBounds()
    {
        var rng = new Random(5);
        for (var i = 0; i < 5_000; i++)
        {
            var baseline = rng.Next(0, 1_000);
            var flow = Flow(rng.Next(0, 800), rng.Next(0, 800), rng.Next(0, 300), rng.Next(500, 1001), rng.Next(0, 501));
            var oi = OiSimulator.Estimate(baseline, flow, rng.Next(0, 60));
            Assert.InRange(oi.Delta, -baseline, (double)flow.Flow.TotalVolume);
            Assert.True(oi.Effective >= 0);
        }
    }

    [Fact]
    public void MoreExpectedBuyingNeverLowersTheEstimate()
    {
        foreach (var dte in (ReadOnlySpan<int>)[0, 3, 14, 60])
        {
            Assert.True(OiModel.For(dte).Signed >= 0, $"bucket of {dte} days");
            var less = OiSimulator.Estimate(500, Flow(200, 200, 0, buyMilli: 700), dte);
            var more = OiSimulator.Estimate(500, Flow(200, 200, 0, buyMilli: 950), dte);
            Assert.True(more.Delta >= less.Delta);
        }
    }

    [Fact]
    public void GexIsPositiveForCallsAndNegativeForPuts()
    {
        // Delta moves by 0.02 over the ±0.5 % move, OI = 1,000, S = 100: 0.02 × 1,000 × 100 × 100 = 200,000 dollars per 1% move.
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

    /// <summary>XYZ at 100 at 13:00 New York: a 100 call and a 95 put two weeks out, 1,000 OI each, IV 0.3.</summary>
    private static (DateOnly Today, DateTimeOffset Now, OptionKey Call, OptionKey Put, SymbolChain Chain) TwoWeekChain()
    {
        var today = new DateOnly(2026, 6, 5);
        var now = new DateTimeOffset(2026, 6, 5, 17, 0, 0, TimeSpan.Zero);
        var call = new OptionKey(today.AddDays(14), 100_000, OptionRight.Call);
        var put = new OptionKey(today.AddDays(14), 95_000, OptionRight.Put);
        var chain = SymbolChain.From(new ChainEvent(now.AddHours(-4), "XYZ", 100,
            [new ChainContract(call, 1_000, 0.3, 2, 2.1), new ChainContract(put, 1_000, 0.3, 1, 1.1)]));
        return (today, now, call, put, chain);
    }

    [Fact]
    public void FlowSummaryRecomputesGexOnEffectiveOi()
    {
        var (today, now, call, put, chain) = TwoWeekChain();
        var flows = new Dictionary<OptionKey, ContractDayFlow> { [put] = Flow(3_000, 0, 0) };
        var input = new ChainFlowInput("XYZ", now, today, 100, now, chain, flows, null, PricingParameters.Default);
        var summary = FlowSummary.Build(input);

        var years = TimeToExpiry.Years(now, call.Expiry);
        var gc = GammaMove.DeltaChange(OptionRight.Call, 100, 100, years, 0.3, PricingParameters.Default);
        var gp = GammaMove.DeltaChange(OptionRight.Put, 100, 95, years, 0.3, PricingParameters.Default);
        var settled = GammaExposure.OfContract(OptionRight.Call, gc, 1_000, 100) + GammaExposure.OfContract(OptionRight.Put, gp, 1_000, 100);
        var delta = OiSimulator.Estimate(1_000, flows[put], 14).Delta;
        Assert.True(delta > 0, "3,000 contracts bought on a 1,000 baseline raise the estimate");
        var live = GammaExposure.OfContract(OptionRight.Call, gc, 1_000, 100) + GammaExposure.OfContract(OptionRight.Put, gp, 1_000 + delta, 100);
        Assert.Equal(Rounding.Dollars(live), summary.LiveGex);
        Assert.Equal(Rounding.Ratio((live - settled) / Math.Abs(settled)), summary.FlowGexPctShift);
        Assert.Equal(((long)delta, 1, 2), (summary.IntradayOiDelta, summary.ContractsWithFlow, summary.ContractsTotal));
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

    /// <summary>
    /// docs/methodology.md §4: linear gamma-dollars (Γ·S²·1 %) against the delta change over a ±0.5 % move, for one
    /// at-the-money SPY 0DTE contract at 15 % volatility: about 1.3× at the open, 3.5× with 30 minutes left and 19× at
    /// the 60-second floor; and the same figure, within half a percent, for a contract two months out.
    /// </summary>
    [Theory]
    [InlineData(6.5 * 3600, 1.2, 1.35)]
    [InlineData(30 * 60, 3.3, 3.7)]
    [InlineData(60, 18, 20)]
    [InlineData(60 * 86_400, 0.995, 1.005)]
    public void LinearGammaOvershootsTheMoveNearExpiry(double seconds, double low, double high)
    {
        var years = seconds / TimeToExpiry.SecondsPerYear;
        var rates = PricingParameters.Default with { RiskFreeRate = 0 };
        var linear = BlackScholes.Greeks(OptionRight.Call, 600, 600, years, 0.15, rates).Gamma * 600 * 600 * 0.01 * 100;
        var move = GammaMove.DollarsPerContract(OptionRight.Call, 600, 600, years, 0.15, rates);
        Assert.InRange(linear / move, low, high);
        Assert.Equal(move, GammaMove.DollarsPerContract(OptionRight.Put, 600, 600, years, 0.15, rates), 9);
    }

    [Fact]
    public void TodaysContractsLeaveTheChainAtTheClose()
    {
        var today = new DateOnly(2026, 6, 5);
        var zeroDte = new OptionKey(today, 100_000, OptionRight.Call);
        var weekly = new OptionKey(today.AddDays(7), 100_000, OptionRight.Call);
        var chain = SymbolChain.From(new ChainEvent(new DateTimeOffset(2026, 6, 5, 13, 25, 0, TimeSpan.Zero), "XYZ", 100,
            [new ChainContract(zeroDte, 1_000, 0.3, 2, 2.1), new ChainContract(weekly, 1_000, 0.3, 2, 2.1)]));
        var flows = new Dictionary<OptionKey, ContractDayFlow>();
        var close = new DateTimeOffset(2026, 6, 5, 20, 0, 0, TimeSpan.Zero); // 16:00 New York (EDT)
        var before = new ChainFlowInput("XYZ", close.AddSeconds(-1), today, 100, close, chain, flows, null, PricingParameters.Default);
        Assert.Equal([zeroDte, weekly], ChainFlow.Positions(before).Select(p => p.Key));
        Assert.Equal([weekly], ChainFlow.Positions(before with { Now = close }).Select(p => p.Key));
        Assert.Equal(1, FlowSummary.Build(before with { Now = close.AddMinutes(5) }).ContractsTotal);
    }

    /// <summary>docs/methodology.md §9 "Dealer gamma": the prior, the other side of the flow, the band, and when a flip is reported.</summary>
    [Fact]
    public void DealerGammaIsThePriorLessTheFlowWithABandAroundIt()
    {
        var (today, now, call, put, chain) = TwoWeekChain();
        DealerGammaBand Band(long callBuys) =>
            DealerGamma.Estimate(ChainFlow.Positions(new ChainFlowInput("XYZ", now, today, 100, now, chain,
                new Dictionary<OptionKey, ContractDayFlow> { [call] = Flow(callBuys, 0, 0) }, null, PricingParameters.Default)), 100);

        var years = TimeToExpiry.Years(now, call.Expiry);
        var gCall = GammaMove.DollarsPerContract(OptionRight.Call, 100, 100, years, 0.3, PricingParameters.Default);
        var gPut = GammaMove.DollarsPerContract(OptionRight.Put, 100, 95, years, 0.3, PricingParameters.Default);
        var quiet = Band(0);
        Assert.Equal((DealerModel.Share * 1_000 * gCall) - (DealerModel.Share * 1_000 * gPut), quiet.Settled, 6);
        Assert.Equal(quiet.Settled, quiet.P50, 6);
        Assert.True(quiet.P10 < quiet.P50 && quiet.P50 < quiet.P90);

        // Customers buying calls leave dealers short them: the estimate falls by λ × E × g.
        var bought = Band(2_000);
        var expected = Flow(2_000, 0, 0).ExpectedSigned;
        Assert.Equal(quiet.P50 - (DealerModel.FlowScale * expected * gCall), bought.P50, 6);
        Assert.True(bought.P50 < quiet.P50);

        foreach (var band in new[] { quiet, bought, Band(20_000), Band(200_000) })
        {
            Assert.Equal(band.P10 > 0 ? "long_gamma" : band.P90 < 0 ? "short_gamma" : "uncertain", band.Regime);
            Assert.Equal(band.Flipped, (band.Settled > 0 && band.P90 < 0) || (band.Settled < 0 && band.P10 > 0));
            if (band.Flipped)
            {
                Assert.True(band.P10 > 0 || band.P90 < 0, "a flip is reported only when the band excludes zero");
            }
        }

        Assert.True(Band(200_000).Flipped, "heavy call buying against a long-gamma open flips the dealers short gamma");
    }
}
