using System.Text.RegularExpressions;
using FlowFunctions.Testing;

namespace FlowFunctions.Client.Tests;

/// <summary>The code blocks of README "Clients", so the tests run what the README shows.</summary>
public static partial class Readme
{
    /// <summary>The address the README's examples use; tests put the app's own in its place.</summary>
    public const string Address = "http://localhost:7071";

    /// <summary>The <paramref name="index"/>th block of <paramref name="language"/> in the "Clients" section.</summary>
    public static string Block(string language, int index = 0)
    {
        var readme = File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("\n## Clients\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no Clients section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var blocks = Fence().Matches(section).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();
        Assert.True(blocks.Count > index, $"README Clients has no {language} block {index}");
        return blocks[index];
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
