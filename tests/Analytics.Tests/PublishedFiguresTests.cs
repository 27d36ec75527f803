using System.Globalization;
using FlowFunctions.Testing;

namespace FlowFunctions.Analytics.Tests;

/// <summary>
/// docs/simulated-tape.md "Against published figures": every simulated figure of its table, computed from the default
/// day, is what the table says.
/// </summary>
public sealed class PublishedFiguresTests
{
    [Fact]
    public void TheDefaultDayIsWhatTheTableSays()
    {
        var doc = File.ReadAllText(Path.Combine(AzuriteProcess.RepositoryRoot(), "docs", "simulated-tape.md"));
        var day = SimulatedDays.Day();
        var date = new DateOnly(2026, 6, 5);
        long Volume(Func<Analytics.Events.TradeEvent, bool> which) => day.Trades.Where(which).Sum(t => (long)t.Size);
        var all = Volume(_ => true);
        var spx = Volume(t => t.Underlying == "SPX");
        var spxZeroDte = Volume(t => t.Underlying == "SPX" && t.Contract.Expiry == date);
        var etfs = Volume(t => t.Underlying is "SPY" or "QQQ" or "IWM");
        var sizes = day.Trades.Select(t => t.Size).Order().ToArray();

        Assert.Contains($"| 0DTE share of SPX option volume | {Percent(spxZeroDte, spx)} |", doc, StringComparison.Ordinal);
        Assert.Contains($"| SPX share of the volume | {Percent(spx, all)} |", doc, StringComparison.Ordinal);
        Assert.Contains($"| SPY, QQQ and IWM share of the volume | {Percent(etfs, all)} |", doc, StringComparison.Ordinal);
        Assert.Contains($"| contracts a day | {all.ToString("N0", CultureInfo.InvariantCulture)} | 48.1 million a day over 2024 to 3 December (OCC) | {Percent(all, 48_100_000)} of the market", doc, StringComparison.Ordinal);
        Assert.Contains($"| mean / median print size, contracts | {(all / (double)sizes.Length).ToString("F2", CultureInfo.InvariantCulture)} / {sizes[sizes.Length / 2]} |", doc, StringComparison.Ordinal);
    }

    private static string Percent(long part, long whole) => (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
