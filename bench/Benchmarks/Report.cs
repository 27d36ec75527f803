using System.Globalization;
using System.Text;

namespace FlowFunctions.Benchmarks;

/// <summary>How a figure is judged: at least / at most a limit on the ratio (or the value), or only reported.</summary>
public enum Goal
{
    Report,
    AtLeast,
    AtMost,
}

/// <summary>
/// One row of the summary table: what was measured, what it was measured beside in the same run, their ratio and the
/// target the ratio (or, with no comparison, the value itself) is held to.
/// </summary>
public sealed record Figure(string Name, string Measured, string Beside, double? Ratio, Goal Goal, double Limit, string Target, double Value = double.NaN)
{
    /// <summary>The number the target applies to: the ratio when there is a comparison, else the value.</summary>
    private double Judged => Ratio ?? Value;

    public string Verdict => Goal switch
    {
        Goal.Report => "report",
        _ when double.IsNaN(Judged) => "not run",
        Goal.AtLeast => Judged >= Limit ? "met" : "missed",
        _ => Judged <= Limit ? "met" : "missed",
    };

    public string RatioText => Ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:0.00}x") : "-";
}

/// <summary>
/// The run's output: the summary table of figures, then one section per suite with its detail tables and notes.
/// Printed as it grows and written as Markdown to docs/benchmarks.md at the end.
/// </summary>
public sealed class Report
{
    private readonly List<Figure> _figures = [];
    private readonly List<(string Title, StringBuilder Body)> _sections = [];

    public IReadOnlyList<Figure> Figures => _figures;

    public void Add(Figure figure)
    {
        _figures.Add(figure);
        Console.WriteLine($"  {figure.Name}: {figure.Measured} beside {figure.Beside} ({figure.RatioText}), target {figure.Target}: {figure.Verdict}");
    }

    /// <summary>Starts a suite's section; what is written to the returned builder is Markdown.</summary>
    public StringBuilder Section(string title)
    {
        var body = new StringBuilder();
        _sections.Add((title, body));
        return body;
    }

    /// <summary>The suites' sections as Markdown, for a run that writes no file (<c>--only</c>, <c>--no-write</c>).</summary>
    public string Sections() => string.Concat(_sections.Select(s => $"## {s.Title}\n\n{s.Body}\n"));

    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        sb.Append('|').AppendJoin('|', header.Select((_, i) => i == 0 ? "---" : "---:")).AppendLine("|");
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return sb.ToString();
    }

    public string SummaryTable() => Table(
        ["figure", "measured", "beside (same run)", "ratio", "target", "met"],
        _figures.Select(f => (IReadOnlyList<string>)[f.Name, f.Measured, f.Beside, f.RatioText, f.Target, f.Verdict]));

    public string Markdown(string machine, string command, string preamble, string afterSummary)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmarks").AppendLine();
        sb.AppendLine(preamble).AppendLine();
        sb.AppendLine("```bash").AppendLine(command).AppendLine("```").AppendLine();
        sb.AppendLine(machine).AppendLine();
        sb.AppendLine("## Summary").AppendLine();
        sb.Append(SummaryTable()).AppendLine();
        sb.AppendLine(afterSummary).AppendLine();
        foreach (var (title, body) in _sections)
        {
            sb.Append("## ").AppendLine(title).AppendLine();
            sb.Append(body.ToString().TrimEnd()).AppendLine().AppendLine();
        }

        return sb.ToString().TrimEnd() + Environment.NewLine;
    }
}

/// <summary>Invariant-culture formatting for the tables.</summary>
public static class Fmt
{
    public static string N0(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public static string F(double v, int decimals) => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Ms(double v) => v < 10 ? F(v, 2) : F(v, 1);

    public static string Mb(long bytes) => F(bytes / (1024.0 * 1024.0), 1) + " MB";

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
