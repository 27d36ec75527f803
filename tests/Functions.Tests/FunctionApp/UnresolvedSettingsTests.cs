using System.Diagnostics;
using FlowFunctions.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// A Key Vault reference App Service could not resolve reaches the app as its own text. The app must refuse to start
/// on it (one line naming the setting, a non-zero exit so the host starts the handler again), never hash keys under it.
/// </summary>
public sealed class UnresolvedSettingsTests
{
    private const string Reference = "@Microsoft.KeyVault(SecretUri=https://flow-kv.vault.azure.net/secrets/key-hash-secret/)";

    [Fact]
    public void OnlySettingsTheAppReadsAreRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:KeyHashSecret"] = Reference,
            ["Storage:ConnectionString"] = "  @microsoft.keyvault(VaultName=flow-kv;SecretName=storage)",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["SomeOtherApp:Secret"] = Reference, // not ours: an app setting the platform or another tool reads
            ["Plans:free:DailyLimit"] = "5",
        }).Build();

        Assert.Equal(["Auth:KeyHashSecret", "Storage:ConnectionString"], UnresolvedSettings.Find(configuration));
        var error = new StringWriter();
        Assert.True(UnresolvedSettings.Refuse(configuration, error));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("Auth:KeyHashSecret is an unresolved Key Vault reference", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("flow-kv", error.ToString(), StringComparison.Ordinal); // names the setting, not the vault's secret URI
    }

    [Fact]
    public async Task TheHandlerExitsNonZeroWithOneLineNamingTheSetting()
    {
        var info = new ProcessStartInfo("dotnet", ["FlowFunctions.dll", "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Storage__Mode"] = "azure";
        info.Environment["Storage__ConnectionString"] = "UseDevelopmentStorage=true";
        info.Environment["Auth__KeyHashSecret"] = Reference;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(UnresolvedSettings.ExitCode, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("FlowFunctions will not start: setting Auth:KeyHashSecret is an unresolved Key Vault reference", lines[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, (await stdout).Trim()); // nothing started: no banner, no listener
    }
}
