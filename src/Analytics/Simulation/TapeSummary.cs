using System.Globalization;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Flow;
using FlowFunctions.Analytics.Flow.Anomaly;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// A plain-text portrait of a simulated trading day, to judge whether it looks like a real one: prints and volume by
/// symbol, call/put split, 0DTE share, sweeps and blocks, regimes, and what the endpoints conclude at the close.
/// </summary>
public static class TapeSummary
{
    public static string Markdown(MarketSimulator simulator, EventBatch day)
    {
        // The day as the stores answer it once its cancels arrived: busted prints count nowhere.
        var cancels = day.Cancels.Count;
        day = day.WithoutCancelled();
        var fold = new FlowFold(Pricing.PricingParameters.Default);
        var market = new MarketState();
        fold.AddBatch(day, market);

        long calls = 0, puts = 0, zeroDte = 0, sweeps = 0, blocks = 0, volume = 0;
        var bySymbol = new Dictionary<string, (long Prints, long Volume, long Premium)>();
        foreach (var t in day.Trades)
        {
            volume += t.Size;
            if (t.Contract.Right == OptionRight.Call)
            {
                calls += t.Size;
            }
            else
            {
                puts += t.Size;
            }

            if (t.Contract.Expiry == simulator.TradingDate)
            {
                zeroDte += t.Size;
            }

            sweeps += (t.Conditions & TradeConditions.Sweep) != 0 ? 1 : 0;
            blocks += (t.Conditions & TradeConditions.Block) != 0 ? 1 : 0;
            var s = bySymbol.GetValueOrDefault(t.Underlying);
            bySymbol[t.Underlying] = (s.Prints + 1, s.Volume + t.Size, s.Premium + t.PremiumCents);
        }

        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"Trading date {simulator.TradingDate:yyyy-MM-dd} ({simulator.TradingDate.DayOfWeek}), {simulator.Universe.Count} underlyings.");
        sb.AppendLine();
        sb.AppendLine("| figure | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ci, $"| prints (after cancels) | {day.Trades.Count:N0} |");
        sb.AppendLine(ci, $"| cancels | {cancels:N0} |");
        sb.AppendLine(ci, $"| contracts | {volume:N0} |");
        sb.AppendLine(ci, $"| call / put contracts | {calls:N0} / {puts:N0} ({(double)calls / Math.Max(1, puts):0.00} : 1) |");
        sb.AppendLine(ci, $"| 0DTE share of contracts | {(double)zeroDte / Math.Max(1, volume):P1} |");
        sb.AppendLine(ci, $"| sweep prints / block prints | {sweeps:N0} / {blocks:N0} |");
        sb.AppendLine(ci, $"| largest print | {day.Trades.Max(t => t.Size):N0} contracts |");
        sb.AppendLine(ci, $"| median print | {Median(day.Trades.Select(t => t.Size))} contracts |");
        sb.AppendLine(ci, $"| chain events / spot events | {day.Chains.Count:N0} / {day.Spots.Count:N0} |");
        sb.AppendLine();

        sb.AppendLine("Volume by symbol (top 15 by contracts):");
        sb.AppendLine();
        sb.AppendLine("| symbol | prints | contracts | premium |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var (symbol, s) in bySymbol.OrderByDescending(kv => kv.Value.Volume).Take(15))
        {
            sb.AppendLine(ci, $"| {symbol} | {s.Prints:N0} | {s.Volume:N0} | ${s.Premium / 100:N0} |");
        }

        sb.AppendLine();
        sb.AppendLine("Regime spans over the day (each 25–110 minutes):");
        sb.AppendLine();
        sb.AppendLine("| regime | spans | symbols |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var g in simulator.Regimes.GroupBy(r => r.Regime).OrderBy(g => g.Key))
        {
            sb.AppendLine(ci, $"| {g.Key} | {g.Count()} | {g.Select(r => r.Symbol).Distinct().Count()} |");
        }

        var close = simulator.SessionClose.AddMinutes(-1);
        var directions = new Dictionary<string, int>();
        var regimes = new Dictionary<string, int>();
        var decisions = new Dictionary<string, int>();
        foreach (var u in simulator.Universe)
        {
            var flows = fold.Contracts.Where(kv => kv.Key.Symbol == u.Symbol).ToDictionary(kv => kv.Key.Contract, kv => kv.Value);
            market.TryGetSpot(u.Symbol, out var spot);
            var input = new ChainFlowInput(u.Symbol, close, simulator.TradingDate, spot.Price, spot.Timestamp,
                market.Chain(u.Symbol, simulator.TradingDate), flows, null, fold.Pricing);
            Count(directions, FlowSummary.Build(input).FlowDirection);
            var anomaly = FlowAnomalyStrategy.Evaluate(input);
            Count(regimes, anomaly.Regime);
            Count(decisions, anomaly.Decision);
        }

        sb.AppendLine();
        sb.AppendLine(ci, $"At {NewYorkTime.ToNewYork(close):HH:mm} New York, over all underlyings:");
        sb.AppendLine();
        sb.AppendLine(ci, $"* flow summary `flow_direction`: {Join(directions)}");
        sb.AppendLine(ci, $"* flow anomaly `regime`: {Join(regimes)}");
        sb.AppendLine(ci, $"* flow anomaly `decision`: {Join(decisions)}");
        return sb.ToString();

        static void Count(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
        static string Join(Dictionary<string, int> d) => string.Join(", ", d.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
        static int Median(IEnumerable<int> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
        }
    }
}
