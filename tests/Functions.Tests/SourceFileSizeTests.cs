using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The house rule that keeps files readable (README, "Layout"): no C# or JavaScript source file of the repository over
/// <see cref="MaxLines"/> lines, generated and third-party files aside, and no exceptions.
/// </summary>
public sealed class SourceFileSizeTests
{
    public const int MaxLines = 400;

    [Fact]
    public void NoSourceFileIsOverTheLimit()
    {
        var root = AzuriteFixture.RepositoryRoot();
        var over = new List<string>();
        foreach (var path in SourceFiles(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var lines = File.ReadLines(path).Count();
            if (lines > MaxLines)
            {
                over.Add($"{relative}: {lines} lines (at most {MaxLines})");
            }
        }

        Assert.True(over.Count == 0, "split these files by concept:\n" + string.Join('\n', over));
    }

    private static IEnumerable<string> SourceFiles(string root)
    {
        foreach (var folder in new[] { "src", "tests", "bench" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.*", SearchOption.AllDirectories))
            {
                var p = path.Replace('\\', '/');
                if ((p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal) || p.EndsWith(".mjs", StringComparison.Ordinal))
                    && !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal)
                    && !p.Contains("/node_modules/", StringComparison.Ordinal) && !p.EndsWith(".g.cs", StringComparison.Ordinal))
                {
                    yield return path;
                }
            }
        }
    }
}
