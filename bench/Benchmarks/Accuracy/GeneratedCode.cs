using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Testing;

namespace FlowFunctions.Benchmarks.Accuracy;

/// <summary>Writes what <c>accuracy --fit</c> fitted into src/Analytics as C#: the sign table and the OI coefficients.</summary>
internal static class GeneratedCode
{
    public static void Write(ushort[] table, OiCoefficients[] coefficients, double flowScale, double bandScale)
    {
        var root = AzuriteProcess.RepositoryRoot();
        var sb = new StringBuilder();
        sb.AppendLine("// Written by `dotnet run -c Release --project bench/Benchmarks -- accuracy --fit` from simulated seeds 1–50;");
        sb.AppendLine("// not edited by hand. docs/methodology.md §2 says what the cells are, its \"Accuracy\" section how good they are.");
        sb.AppendLine("namespace FlowFunctions.Analytics.Classification;");
        sb.AppendLine();
        sb.AppendLine("/// <summary>Per <see cref=\"SignFeatures\"/> cell, the probability that a print was buyer-initiated, in thousandths.</summary>");
        sb.AppendLine("internal static class TradeSignTable");
        sb.AppendLine("{");
        sb.AppendLine("    public static ReadOnlySpan<ushort> Milli =>");
        sb.AppendLine("    [");
        for (var i = 0; i < table.Length; i += 12)
        {
            sb.Append("        ").AppendJoin(", ", table.Skip(i).Take(12).Select(v => v.ToString(CultureInfo.InvariantCulture))).AppendLine(",");
        }

        sb.AppendLine("    ];");
        sb.AppendLine("}");
        File.WriteAllText(Path.Combine(root, "src", "Analytics", "Classification", "TradeSignTable.cs"), sb.ToString());

        var path = Path.Combine(root, "src", "Analytics", "Exposure", "OiModel.cs");
        var text = File.ReadAllText(path);
        var from = text.IndexOf("    private static readonly OiCoefficients[] Fitted =", StringComparison.Ordinal);
        var to = text.IndexOf("    ];", from, StringComparison.Ordinal) + "    ];".Length;
        var buckets = new StringBuilder("    private static readonly OiCoefficients[] Fitted =\n    [\n");
        foreach (var c in coefficients)
        {
            buckets.AppendLine(CultureInfo.InvariantCulture, $"        new({c.Signed:0.0###}, {c.Volume:0.0###}, {c.Turnover:0.0###}),");
        }

        buckets.Append("    ];");
        File.WriteAllText(path, text[..from] + buckets + text[to..]);

        var dealerPath = Path.Combine(root, "src", "Analytics", "Exposure", "DealerGamma.cs");
        var dealer = File.ReadAllText(dealerPath);
        dealer = Regex.Replace(dealer, @"public const double FlowScale = [0-9.]+;", string.Create(CultureInfo.InvariantCulture, $"public const double FlowScale = {flowScale:0.0###};"));
        dealer = Regex.Replace(dealer, @"public const double BandScale = [0-9.]+;", string.Create(CultureInfo.InvariantCulture, $"public const double BandScale = {bandScale:0.0###};"));
        File.WriteAllText(dealerPath, dealer);
    }
}
