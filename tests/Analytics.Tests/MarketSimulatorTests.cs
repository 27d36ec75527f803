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
            var ts = item.Kind switch
            {
                MarketEventKind.Trade => batch.Trades[item.Position].Timestamp,
                MarketEventKind.Spot => batch.Spots[item.Position].Timestamp,
                _ => batch.Chains[item.Position].Timestamp,
            };
            Assert.True(ts >= last);
            Assert.InRange(ts, sim.SessionOpen, sim.SessionClose);
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
}
