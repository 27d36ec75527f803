using FlowFunctions.Functions.Tests.Support;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The house rule that keeps files readable (README, "Layout"): no C# or JavaScript source file of the repository over
/// <see cref="MaxLines"/> lines, generated and third-party files aside. A file still waiting to be split is named in
/// <see cref="NotYetSplit"/> with its size then; it may only shrink, and the list only gets shorter.
/// </summary>
public sealed class SourceFileSizeTests
{
    public const int MaxLines = 400;

    /// <summary>Files over the limit when the rule came in, with their line counts then.</summary>
    private static readonly Dictionary<string, int> NotYetSplit = new(StringComparer.Ordinal)
    {
        ["src/Functions/Dashboard/web/dashboard.js"] = 864,
    };

    [Fact]
    public void NoSourceFileIsOverTheLimit()
    {
        var root = AzuriteFixture.RepositoryRoot();
        var over = new List<string>();
        foreach (var path in SourceFiles(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var lines = File.ReadLines(path).Count();
            var allowed = NotYetSplit.GetValueOrDefault(relative, MaxLines);
            if (lines > allowed)
            {
                over.Add($"{relative}: {lines} lines (at most {allowed})");
            }
        }

        Assert.True(over.Count == 0, "split these files by concept:\n" + string.Join('\n', over));
        Assert.All(NotYetSplit.Keys, k => Assert.True(File.Exists(Path.Combine(root, k)), $"{k} is gone: take it off the list"));
    }

    private static IEnumerable<string> SourceFiles(string root)
    {
        foreach (var folder in new[] { "src", "tests", "bench" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.*", SearchOption.AllDirectories))
            {
                var p = path.Replace('\\', '/');
                if ((p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal))
                    && !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal)
                    && !p.Contains("/node_modules/", StringComparison.Ordinal) && !p.EndsWith(".g.cs", StringComparison.Ordinal))
                {
                    yield return path;
                }
            }
        }
    }
}
