using System.Diagnostics;
using System.Reflection;
using FlowFunctions.Functions.Tests.Support;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// infra/bicep through the real Bicep CLI (NuGet package Azure.Bicep.CommandLine.linux-x64, restored with the tests):
/// main.bicep builds to an ARM template, and every file lints with no diagnostic at all, warnings included.
/// </summary>
public sealed class BicepTests
{
    private static readonly string Root = Path.Combine(AzuriteFixture.RepositoryRoot(), "infra", "bicep");

    [Fact]
    public async Task MainBuildsWithoutWarnings()
    {
        var (exit, stdout, stderr) = await BicepAsync("build", Path.Combine(Root, "main.bicep"), "--stdout");
        Assert.True(exit == 0, stderr);
        Assert.Equal(string.Empty, stderr.Trim());
        Assert.Contains("\"$schema\"", stdout, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string> Files() => [.. Directory.GetFiles(Root, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f))];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task EveryFileLintsClean(string file)
    {
        var (exit, stdout, stderr) = await BicepAsync("lint", Path.Combine(Root, file));
        Assert.True(exit == 0 && (stdout + stderr).Trim().Length == 0, $"bicep lint {file}:\n{stdout}{stderr}");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> BicepAsync(params string[] args)
    {
        var path = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
        Assert.True(File.Exists(path), $"the Bicep CLI is not at '{path}' (restore the tests project)");
        if (!OperatingSystem.IsWindows())
        {
            // The package's file is not executable for every user as restored.
            File.SetUnixFileMode(path!, File.GetUnixFileMode(path!) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var info = new ProcessStartInfo(path!, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
