using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Storage;

namespace FlowFunctions.Testing;

/// <summary>
/// Payloads of a simulated day (<see cref="SimulatedDays"/>) folded into store commits as the ingest pipeline folds
/// them, and every figure a store answers for them, as text, so that two stores compare exactly.
/// </summary>
public static class StoreFigures
{
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

            foreach (var (key, c) in (await store.ReadContractsAsync(symbol, SimulatedDays.Friday, default)).OrderBy(c => c.Key))
            {
                w.AppendLine($"{symbol} c {key} {Tally(c.Flow)} {c.SignedMilli} {c.DecisiveMilli} {c.SignVarianceMilli}");
            }

            if (await store.ReadChainAsync(symbol, SimulatedDays.Friday, default) is { } chain)
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
