using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;
using Xunit.Abstractions;

namespace FlowFunctions.Analytics.Tests;

public sealed class MarketSimulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void UniverseHasAtLeastSixtyRealisticNames()
    {
        Assert.True(SimUniverse.Core.Count >= 60);
        Assert.Contains(SimUniverse.Core, u => u.Symbol == "SPY" && u.Expiries == ExpiryStyle.Daily);
        Assert.Contains(SimUniverse.Core, u => u.Symbol == "SPX" && u.Expiries == ExpiryStyle.Daily);
        Assert.Contains(SimUniverse.Core, u => u.Symbol == "NVDA" && u.Expiries == ExpiryStyle.Weekly);
        Assert.Equal(SimUniverse.Core.Count, SimUniverse.Core.Select(u => u.Symbol).Distinct().Count());
        Assert.Equal(6_000, SimUniverse.Build(6_000, 1).Select(u => u.Symbol).Distinct().Count());
    }

    [Fact]
    public void SameSeedGivesTheSameTapeHoweverItIsStepped()
    {
        var options = new SimulatorOptions { Seed = 3, UniverseSize = 10 };
        var date = new DateOnly(2026, 6, 4);
        var whole = new MarketSimulator(options, date).FullDay();

        var stepped = new MarketSimulator(options, date);
        var batch = new EventBatch();
        foreach (var chain in stepped.MorningChains())
        {
            batch.Add(chain);
        }

        stepped.AdvanceTo(stepped.SessionOpen.AddMinutes(123).AddSeconds(17), batch); // backfill to "now"
        for (var t = stepped.Cursor; t < stepped.SessionClose; t = t.AddSeconds(7.3))
        {
            stepped.AdvanceTo(t, batch); // then stream
        }

        stepped.AdvanceTo(stepped.SessionClose, batch);
        Assert.Equal(whole.Trades, batch.Trades);
        Assert.Equal(whole.Spots, batch.Spots);
        Assert.Equal(whole.Cancels, batch.Cancels);
        Assert.Equal(whole.Chains.Count, batch.Chains.Count);
        Assert.NotEqual(whole.Trades, new MarketSimulator(options with { Seed = 4 }, date).FullDay().Trades);
    }

    [Fact]
    public void EventsComeInTimeOrderWithinTheSession()
    {
        var sim = new MarketSimulator(new SimulatorOptions { Seed = 5, UniverseSize = 12 }, new DateOnly(2026, 6, 5));
        var batch = new EventBatch();
        sim.AdvanceTo(sim.SessionClose, batch);
        var last = DateTimeOffset.MinValue;
        foreach (var item in batch.Order)
        {
            var ts = batch.Stamp(item).Timestamp;
            Assert.InRange(ts, sim.SessionOpen, sim.SessionClose);
            if (item.Kind == MarketEventKind.Cancel
                || (item.Kind == MarketEventKind.Trade && (batch.Trades[item.Position].Conditions & TradeConditions.Late) != 0))
            {
                Assert.True(ts <= last, "a late print, or a cancel (stamped with its print's time), appears after prints stamped later than it");
                continue;
            }

            Assert.True(ts >= last);
            last = ts;
        }

        Assert.All(batch.Trades, t => Assert.True(t.Price > 0 && t.Size >= 1 && t.Ask >= t.Bid && t.Contract.Expiry >= sim.TradingDate));
    }

    [Fact]
    public void ADayShowsEveryRegimeBothImbalancesPinningAndFlips()
    {
        var sim = new MarketSimulator(new SimulatorOptions { Seed = 1 }, new DateOnly(2026, 6, 5));
        var day = sim.FullDay();
        var summary = TapeSummary.Markdown(sim, day);
        output.WriteLine(summary);
        foreach (var regime in Enum.GetValues<FlowRegime>())
        {
            Assert.Contains(sim.Regimes, r => r.Regime == regime);
        }

        Assert.Contains("bullish_flow_imbalance", summary, StringComparison.Ordinal);
        Assert.Contains("bearish_flow_imbalance", summary, StringComparison.Ordinal);
        Assert.Contains("regime_flip", summary, StringComparison.Ordinal);
        Assert.Contains("candidate", summary, StringComparison.Ordinal);
        var spy = day.Trades.Where(t => t.Underlying == "SPY").ToList();
        var zeroDteShare = spy.Where(t => t.Contract.Expiry == sim.TradingDate).Sum(t => (long)t.Size) / (double)spy.Sum(t => (long)t.Size);
        Assert.InRange(zeroDteShare, 0.3, 0.7);
        Assert.Contains(day.Trades, t => t.Size >= 1_000); // heavy tail
    }

    [Fact]
    public void TheTruthAddsUpAndRecordingItLeavesTheTapeAlone()
    {
        var options = new SimulatorOptions { Seed = 7, UniverseSize = 8 };
        var date = new DateOnly(2026, 6, 5);
        var sim = new MarketSimulator(options with { RecordTruth = true }, date);
        var day = sim.FullDay();
        Assert.Equal(new MarketSimulator(options, date).FullDay().Trades, day.Trades);
        var truth = sim.Truth!;
        Assert.Equal(day.Trades.Count, truth.Prints.Count);

        var changes = new Dictionary<(string, OptionKey), (long Oi, long Dealer)>();
        foreach (var t in day.Trades)
        {
            Assert.True(truth.TryGetPrint(t.Underlying, t.Id, out var p));
            Assert.Equal((t.Contract, t.Size), (p.Contract, p.Size));
            Assert.InRange(p.OiChange, -t.Size, t.Size);
            var c = changes.GetValueOrDefault((t.Underlying, t.Contract));
            changes[(t.Underlying, t.Contract)] = (c.Oi + p.OiChange, c.Dealer + p.DealerNetChange);
        }

        foreach (var ((symbol, contract), c) in changes)
        {
            var contractTruth = truth.Contracts[(symbol, contract)];
            Assert.Equal(contractTruth.BaselineOi + c.Oi, contractTruth.CloseOi);
            Assert.Equal(contractTruth.DealerBaseline + c.Dealer, contractTruth.DealerClose);
            Assert.True(contractTruth.CloseOi >= 0);
        }

        var baselines = sim.MorningChains().SelectMany(ch => ch.Contracts.Select(k => (ch.Underlying, k.Contract, k.OpenInterest)));
        Assert.All(baselines, b => Assert.Equal(b.OpenInterest, truth.Contracts[(b.Underlying, b.Contract)].BaselineOi));
    }

    /// <summary>
    /// Every market structure (docs/simulated-tape.md "Market structures") keeps the tape of the default and a truth
    /// that adds up, and each tells its own story: closers open a far smaller share of volume, crossed prints leave
    /// dealers where they were, and dealer shares under dealers-vary reach the other side of zero.
    /// </summary>
    [Fact]
    public void EveryMarketStructureKeepsTheTapeAndTellsItsOwnStory()
    {
        var date = new DateOnly(2026, 6, 5);
        var options = new SimulatorOptions { Seed = 11, UniverseSize = 16, Intensity = 0.5, RecordTruth = true };
        var baseline = new MarketSimulator(options, date);
        var tape = baseline.FullDay().Trades;
        var opened = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var structure in (MarketStructure[])[MarketStructure.Default, .. MarketStructure.Alternatives])
        {
            var sim = new MarketSimulator(options with { Structure = structure }, date);
            var day = sim.FullDay();
            Assert.Equal(tape, day.Trades);
            var truth = sim.Truth!;
            var changes = new Dictionary<(string, OptionKey), (long Oi, long Dealer)>();
            long volume = 0, customerOpened = 0, crossed = 0;
            foreach (var t in day.Trades)
            {
                Assert.True(truth.TryGetPrint(t.Underlying, t.Id, out var p));
                var c = changes.GetValueOrDefault((t.Underlying, t.Contract));
                changes[(t.Underlying, t.Contract)] = (c.Oi + p.OiChange, c.Dealer + p.DealerNetChange);
                if (!p.Cancelled)
                {
                    volume += p.Size;
                    customerOpened += p.CustomerOpened;
                    crossed += p.Crossed ? 1 : 0;
                    Assert.True(!p.Crossed || p.DealerNetChange == 0);
                }
            }

            foreach (var ((symbol, contract), c) in changes)
            {
                var contractTruth = truth.Contracts[(symbol, contract)];
                Assert.Equal(contractTruth.BaselineOi + c.Oi, contractTruth.CloseOi);
                Assert.Equal(contractTruth.DealerBaseline + c.Dealer, contractTruth.DealerClose);
                Assert.True(contractTruth.CloseOi >= 0, $"{structure.Name}: {symbol} {contract} closes at {contractTruth.CloseOi}");
            }

            opened[structure.Name] = customerOpened / (double)volume;
            var share = crossed / (double)day.Trades.Count;
            Assert.InRange(share, structure.CustomerToCustomer * 0.9, structure.CustomerToCustomer * 1.1);
            Assert.All(truth.Contracts.Values, c => Assert.True(c.BaselineOi >= Math.Abs(c.DealerBaseline), $"{structure.Name}: dealers hold {c.DealerBaseline} of {c.BaselineOi}"));

            // Dealers short calls at the open: only where a name's share is drawn below zero.
            var shortCalls = truth.Contracts.Count(kv => kv.Key.Item2.Right == OptionRight.Call && kv.Value.BaselineOi > 100 && kv.Value.DealerBaseline < 0);
            Assert.True(structure == MarketStructure.DealersVary ? shortCalls > 0 : shortCalls == 0, $"{structure.Name}: {shortCalls} calls with dealers short at the open");
        }

        Assert.True(opened["closers"] < 0.6 * opened["default"], $"customers opened {opened["closers"]:P1} of volume under closers, {opened["default"]:P1} by default");
    }

    [Fact]
    public void TheRuleIsRightOnACleanTapeAndFooledOnARealisticOne()
    {
        double WrongShare(TapeRealism realism)
        {
            var sim = new MarketSimulator(new SimulatorOptions { Seed = 3, UniverseSize = 8, Realism = realism, RecordTruth = true }, new DateOnly(2026, 6, 5));
            var signed = 0;
            var wrong = 0;
            foreach (var t in sim.FullDay().Trades)
            {
                var rule = AggressorClassifier.Classify(t.Price, t.Bid, t.Ask, t.Side);
                if (rule.Sign != 0)
                {
                    sim.Truth!.TryGetPrint(t.Underlying, t.Id, out var p);
                    signed++;
                    wrong += (rule.Sign > 0) == p.BuyerInitiated ? 0 : 1;
                }
            }

            return wrong / (double)signed;
        }

        Assert.Equal(0, WrongShare(TapeRealism.None));
        Assert.InRange(WrongShare(TapeRealism.Default), 0.03, 0.2);
    }

    [Fact]
    public void PackagesAndLatePrintsAppearAtTheirRates()
    {
        var sim = new MarketSimulator(new SimulatorOptions { Seed = 4, UniverseSize = 16, RecordTruth = true }, new DateOnly(2026, 6, 5));
        var trades = sim.FullDay().Trades;
        var legs = sim.Truth!.Prints.Where(p => p.Package > 0).ToList();
        Assert.InRange(legs.Select(p => (p.Underlying, p.Package)).Distinct().Count() / (double)trades.Count, 0.01, 0.08);
        var marked = trades.Count(t => (t.Conditions & TradeConditions.MultiLeg) != 0);
        Assert.InRange(marked / (double)legs.Count, 0.7, 0.9);
        Assert.InRange(trades.Count(t => (t.Conditions & TradeConditions.Late) != 0) / (double)trades.Count, 0.002, 0.007);
    }

    [Fact]
    public void ABustedPrintIsCancelledSecondsToMinutesAfterItAppearsAndNeverHappensInTheTruth()
    {
        var options = new SimulatorOptions { Seed = 4, UniverseSize = 16, RecordTruth = true };
        var date = new DateOnly(2026, 6, 5);
        var sim = new MarketSimulator(options, date);
        var day = new EventBatch();
        var appeared = new List<DateTimeOffset>(); // per event in order: the step of the cursor it appeared by
        for (var t = sim.SessionOpen; t < sim.SessionClose.AddSeconds(10); t = t.AddSeconds(10))
        {
            sim.AdvanceTo(t, day);
            appeared.AddRange(Enumerable.Repeat(t, day.Order.Count - appeared.Count));
        }

        // At its rate, and nothing else on the tape moves: the same prints as the tape without cancels.
        Assert.InRange(day.Cancels.Count / (double)day.Trades.Count, 0.0005, 0.002);
        var clean = new MarketSimulator(options with { Realism = TapeRealism.Default with { Cancelled = 0 } }, date).FullDay();
        Assert.Empty(clean.Cancels);
        Assert.Equal(clean.Trades, day.Trades);

        // Each cancel names, exactly, one print that appeared 1 to 180 seconds before it (to the 10-second step).
        var prints = new Dictionary<(string, TradeId), (TradeEvent Trade, DateTimeOffset Appeared)>();
        var cancelled = new HashSet<(string, TradeId)>();
        for (var i = 0; i < day.Order.Count; i++)
        {
            var e = day.Order[i];
            if (e.Kind == MarketEventKind.Trade)
            {
                prints.Add((day.Trades[e.Position].Underlying, day.Trades[e.Position].Id), (day.Trades[e.Position], appeared[i]));
            }
            else if (e.Kind == MarketEventKind.Cancel)
            {
                var c = day.Cancels[e.Position];
                Assert.True(prints.TryGetValue((c.Underlying, c.Id), out var print), "a cancel follows its print");
                Assert.Equal((print.Trade.Timestamp, print.Trade.Contract), (c.Timestamp, c.Contract));
                Assert.InRange((appeared[i] - print.Appeared).TotalSeconds, 0, 190);
                Assert.True(cancelled.Add((c.Underlying, c.Id)), "one cancel per print");
            }
        }

        // The truth: exactly the cancelled prints never happened, and the book never saw them.
        Assert.True(cancelled.SetEquals(sim.Truth!.Prints.Where(p => p.Cancelled).Select(p => (p.Underlying, p.Id))));
        Assert.All(sim.Truth.Prints.Where(p => p.Cancelled), p => Assert.Equal((0, 0), (p.OiChange, p.DealerNetChange)));
        Assert.Equal(day.Trades.Count - cancelled.Count, day.WithoutCancelled().Trades.Count);
    }
}
