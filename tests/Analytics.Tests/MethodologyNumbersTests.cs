using System.Globalization;
using System.Text.RegularExpressions;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Testing;

namespace FlowFunctions.Analytics.Tests;

/// <summary>
/// Worked numbers in docs/methodology.md read from the document itself and computed again, so a figure in the text that
/// the code does not give fails here (§4's put example once said $354,000 for 0.06 × 10 × 100 × 590, and its gamma
/// table named a ±1 % move while its figures were for ±0.5 %).
/// </summary>
public sealed partial class MethodologyNumbersTests
{
    private static readonly string Methodology = File.ReadAllText(Path.Combine(AzuriteProcess.RepositoryRoot(), "docs", "methodology.md"));

    private static string Section(string heading)
    {
        var start = Methodology.IndexOf("\n## " + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/methodology.md has no section '{heading}'");
        var end = Methodology.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return Methodology[start..(end < 0 ? Methodology.Length : end)];
    }

    /// <summary>§4: a customer buys 10 puts, Δ = −0.45, S = 590; delta −0.42 at +0.5 % and −0.48 at −0.5 %.</summary>
    [Fact]
    public void TheBoughtPutExampleOfSection4()
    {
        var text = Section("4. Aggregates");
        var deltaDollars = 1 * -0.45 * 10 * 100 * 590;
        var gammaDollars = 1 * (-0.42 - -0.48) * 10 * 100 * 590;
        Assert.Contains($"1 × (−0.45) × 10 × 100 × 590 = **{Signed(deltaDollars)}**", text, StringComparison.Ordinal);
        Assert.Contains($"1 × 0.06 × 10 × 100 × 590 =\n**{Signed(gammaDollars, plus: true)}**", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// §4's table of one at-the-money SPY contract (S = K = 600, σ = 15 %, r = 4 %): every cell of every row is what
    /// <see cref="GammaMove"/> and <see cref="BlackScholes"/> give, to the precision the table prints, over the ±0.5 %
    /// move its header names.
    /// </summary>
    [Fact]
    public void TheGammaOverTheMoveTableOfSection4()
    {
        var text = Section("4. Aggregates");
        Assert.Contains("| time to expiry | Δ(603) − Δ(597) | over the move: ΔΔ × 100 × S | linear: Γ × S² × 1 % × 100 | linear ÷ move |", text, StringComparison.Ordinal);
        var rates = PricingParameters.Default with { RiskFreeRate = 0.04, DividendYield = 0 };
        var rows = TableRow().Matches(text);
        Assert.Equal(3, rows.Count);
        foreach (Match row in rows)
        {
            var seconds = double.Parse(row.Groups["n"].Value, CultureInfo.InvariantCulture) * row.Groups["unit"].Value switch
            {
                "hours" => 3600,
                "minutes" => 60,
                _ => 1,
            };
            var years = seconds / TimeToExpiry.SecondsPerYear;
            var change = GammaMove.DeltaChange(OptionRight.Call, 600, 600, years, 0.15, rates);
            var move = GammaMove.DollarsPerContract(OptionRight.Call, 600, 600, years, 0.15, rates);
            var linear = BlackScholes.Greeks(OptionRight.Call, 600, 600, years, 0.15, rates).Gamma * 600 * 600 * 0.01 * 100;
            AssertPrinted(row.Groups["change"].Value, change);
            AssertPrinted(row.Groups["move"].Value, move);
            AssertPrinted(row.Groups["linear"].Value, linear);
            AssertPrinted(row.Groups["ratio"].Value, linear / move);
        }
    }

    /// <summary>
    /// §3's calendar-or-trading-time table: T as <see cref="TimeToExpiry"/> counts it for a 0DTE print at 15:00 New York
    /// and a Friday 15:00 print on Monday's expiry, beside trading time (hours of sessions over 6.5 × 252), and what
    /// using one in place of the other does to σ√T and at-the-money gamma.
    /// </summary>
    [Fact]
    public void TheCalendarTimeTableOfSection3()
    {
        var text = Section("3. Pricing");
        const double HoursAYear = 6.5 * 252;
        (string Row, DateTimeOffset At, DateOnly Expiry, double TradingHours)[] rows =
        [
            ("| 15:00 New York on the day's own expiry (0DTE) |", new DateTimeOffset(2026, 6, 5, 19, 0, 0, TimeSpan.Zero), new DateOnly(2026, 6, 5), 1),
            ("| Friday 15:00 New York on Monday's expiry |", new DateTimeOffset(2026, 6, 5, 19, 0, 0, TimeSpan.Zero), new DateOnly(2026, 6, 8), 7.5),
        ];
        foreach (var (row, at, expiry, hours) in rows)
        {
            var line = text.Split('\n').Single(l => l.StartsWith(row, StringComparison.Ordinal));
            var cells = line.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var calendar = TimeToExpiry.Years(at, expiry);
            var trading = hours / HoursAYear;
            var ratio = Math.Sqrt(calendar / trading);
            AssertPrinted(cells[1], calendar);
            AssertPrinted(cells[2], trading);
            AssertPrinted(cells[3], ratio);
            AssertPrinted(cells[4], 1 / ratio);
        }
    }

    /// <summary>The printed figure equals the computed one rounded to as many decimals as it prints.</summary>
    private static void AssertPrinted(string printed, double computed)
    {
        var digits = printed.Contains('.', StringComparison.Ordinal) ? printed.Length - printed.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var value = double.Parse(printed.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(value - Math.Round(computed, digits)) <= Math.Pow(10, -digits) / 2 + 1e-9, $"docs/methodology.md prints {printed}; the code gives {computed}");
    }

    private static string Signed(double value, bool plus = false) =>
        (value < 0 ? "−" : plus ? "+" : string.Empty) + Math.Abs(value).ToString("N0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\| (?<n>[\d.]+) (?<unit>hours|minutes|seconds)[^|]* \| (?<change>[\d.]+) \| \$(?<move>[\d,]+) \| \$(?<linear>[\d,]+) \| (?<ratio>[\d.]+) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
