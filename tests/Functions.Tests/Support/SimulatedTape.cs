using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Tests.Support;

/// <summary>Stretches of the simulated trading day of 2026-06-05 as ingest payloads and as folded store commits.</summary>
public static class SimulatedTape
{
    public static readonly DateOnly Date = new(2026, 6, 5);

    public static readonly DateTimeOffset Open = new(2026, 6, 5, 13, 30, 0, TimeSpan.Zero);

    /// <summary>The morning chains, then the first <paramref name="minutes"/> of the session, as JSON arrays of <paramref name="batchSize"/> events.</summary>
    public static List<byte[]> Payloads(int symbols, int minutes, int batchSize)
    {
        var simulator = new MarketSimulator(new SimulatorOptions { UniverseSize = symbols }, Date);
        var tape = new EventBatch();
        foreach (var chain in simulator.MorningChains())
        {
            tape.Order.Add(new EventRef(MarketEventKind.Chain, tape.Chains.Count));
            tape.Chains.Add(chain);
        }

        simulator.AdvanceTo(simulator.SessionOpen.AddMinutes(minutes), tape);
        var payloads = new List<byte[]>();
        for (var start = 0; start < tape.Order.Count; start += batchSize)
        {
            payloads.Add(EventJsonWriter.WriteArray(tape, start, Math.Min(batchSize, tape.Order.Count - start)));
        }

        return payloads;
    }

    /// <summary>Each payload parsed and folded in order against one market state, as the ingest pipeline does.</summary>
    public static List<FlowCommit> Commits(IReadOnlyList<byte[]> payloads, string lane = "sim")
    {
        var market = new MarketState();
        var symbols = new SymbolTable();
        var commits = new List<FlowCommit>();
        for (var i = 0; i < payloads.Count; i++)
        {
            var batch = new EventParser(symbols).Parse(payloads[i]);
            var fold = new FlowFold(PricingParameters.Default);
            fold.AddBatch(batch, market);
            var spots = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
            foreach (var t in batch.Trades)
            {
                if (market.TryGetSpot(t.Underlying, out var mark))
                {
                    spots[t.Underlying] = mark;
                }
            }

            var receipt = new IngestReceipt($"hash-{i}", batch.Order.Count, batch.Rejections.Count, [], new DateTimeOffset(2026, 6, 5, 20, 0, 0, TimeSpan.Zero));
            commits.Add(new FlowCommit($"tape-{i}", fold, batch.Chains.ToArray(), spots, receipt) { Lane = lane });
        }

        return commits;
    }

    /// <summary>
    /// Every figure a store answers for the symbols of a tape, rendered as text so two stores compare exactly: minutes,
    /// 0DTE cells, per-contract flow, chain and spot per symbol, and window totals over several windows ending at
    /// <paramref name="now"/>.
    /// </summary>
    public static async Task<string> FiguresAsync(IFlowStore store, IEnumerable<string> symbols, DateTimeOffset now)
    {
        var w = new System.Text.StringBuilder();
        var end = MinuteBucket.Of(now);
        foreach (var symbol in symbols.Order(StringComparer.Ordinal))
        {
            foreach (var (minute, t) in await store.ReadMinutesAsync(symbol, 0, long.MaxValue, default))
            {
                w.Append(symbol).Append(" m ").Append(minute).Append(' ').AppendLine(Tally(t));
            }

            foreach (var ((minute, strike), c) in await store.ReadZeroDteAsync(symbol, 0, long.MaxValue, default))
            {
                w.AppendLine($"{symbol} z {minute} {strike} {c.SignedDeltaCents} {c.SignedGammaCents} {c.Contracts} {c.Last}");
            }

            foreach (var (key, c) in (await store.ReadContractsAsync(symbol, Date, default)).OrderBy(c => c.Key))
            {
                w.AppendLine($"{symbol} c {key} {Tally(c.Flow)} {c.WeightedBuyHalves} {c.WeightedSellHalves}");
            }

            if (await store.ReadChainAsync(symbol, Date, default) is { } chain)
            {
                w.AppendLine($"{symbol} k {chain.BaselineTimestamp:O} {chain.Spot} {chain.SpotTimestamp:O} {chain.Contracts.Count} {chain.Contracts.Values.Sum(q => q.BaselineOi)}");
            }

            w.AppendLine($"{symbol} s {await store.ReadSpotAsync(symbol, default)}");
        }

        foreach (var window in new[] { 1, 15, 60, 61, 390, 1440, 10_080 })
        {
            foreach (var (symbol, t) in await store.ReadWindowTotalsAsync(end - window + 1, end, default))
            {
                w.Append("w ").Append(window).Append(' ').Append(symbol).Append(' ').AppendLine(Tally(t));
            }
        }

        return w.ToString();
    }

    private static string Tally(in FlowTally t) =>
        $"{t.BuyVolume} {t.SellVolume} {t.MidVolume} {t.BuyPremiumCents} {t.SellPremiumCents} {t.MidPremiumCents} {t.TradeCount} {t.Last}";
}
