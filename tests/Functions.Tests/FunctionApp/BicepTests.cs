using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// infra/bicep through the real Bicep CLI (NuGet package Azure.Bicep.CommandLine.linux-x64, restored with the tests):
/// main.bicep builds to an ARM template, and every file lints with no diagnostic at all, warnings included. The
/// template built is then read for what a review checks: which identity holds which data role where, and that a
/// redeploy after deleting the resource group can take back the soft-deleted vault.
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

    [Fact]
    public async Task TheAppIdentityOwnsTheAppsBlobsAndOnlyTheDeploymentIdentityMayWriteThePackage()
    {
        using var main = await BuildAsync();

        // The runtime identity: Storage Blob Data Owner (the host's AzureWebJobsStorage) on the app's account, no
        // Contributor anywhere, and no role in the package account's module.
        var roles = Deployment(main, "roles");
        Assert.Equal(Output("identity", "principalId"), Parameter(roles, "principalId"));
        Assert.Equal(Output("storage", "accountName"), Parameter(roles, "storageAccountName"));
        var runtimeRoles = RoleAssignments(roles).ToList();
        Assert.Contains(runtimeRoles, r => r.Role == BlobDataOwner && r.Scope.Contains("'Microsoft.Storage/storageAccounts', parameters('storageAccountName')", StringComparison.Ordinal));
        Assert.DoesNotContain(runtimeRoles, r => r.Role == BlobDataContributor);

        // The deployment identity: Storage Blob Data Contributor on the package container, its only role.
        var package = Deployment(main, "package-storage");
        Assert.Equal(Output("deployment-identity", "principalId"), Parameter(package, "deploymentPrincipalId"));
        var packageRole = Assert.Single(RoleAssignments(package));
        Assert.Equal(BlobDataContributor, packageRole.Role);
        Assert.Equal("[parameters('deploymentPrincipalId')]", packageRole.Principal);
        Assert.Contains("'Microsoft.Storage/storageAccounts/blobServices/containers'", packageRole.Scope, StringComparison.Ordinal);
        Assert.NotEqual(Parameter(Deployment(main, "storage"), "accountName"), Parameter(package, "accountName"));

        // The platform deploys and reads the package with the deployment identity; the app runs as the runtime one.
        var app = Deployment(main, "functionapp");
        Assert.Equal(Output("deployment-identity", "id"), Parameter(app, "deploymentIdentityId"));
        Assert.Equal(Output("identity", "id"), Parameter(app, "identityId"));
        Assert.Equal(Output("package-storage", "containerUrl"), Parameter(app, "deploymentContainerUrl"));
        var site = Resources(app).Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var authentication = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
        Assert.Equal("[parameters('deploymentIdentityId')]", authentication.GetProperty("userAssignedIdentityResourceId").GetString());
        Assert.Equal("[parameters('identityId')]", site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
    }

    [Fact]
    public async Task StreamsDoNotFillAnInstanceAnd512MegabytesIsNotOffered()
    {
        using var main = await BuildAsync();
        var parameters = main.RootElement.GetProperty("parameters");
        Assert.Equal([2048, 4096], parameters.GetProperty("instanceMemoryMB").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(200, parameters.GetProperty("httpPerInstanceConcurrency").GetProperty("defaultValue").GetInt32());

        var app = Deployment(main, "functionapp");
        Assert.Equal("[parameters('httpPerInstanceConcurrency')]", Parameter(app, "httpPerInstanceConcurrency"));
        var site = Resources(app).Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var http = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency").GetProperty("triggers").GetProperty("http");
        Assert.Equal("[parameters('httpPerInstanceConcurrency')]", http.GetProperty("perInstanceConcurrency").GetString());
    }

    [Fact]
    public async Task OnCallHasAlertsOnWhatTheReadmeSaysToWatchAndTheAccountsAndVaultLogToTheWorkspace()
    {
        using var main = await BuildAsync();
        var monitoring = Deployment(main, "monitoring");
        var text = monitoring.GetRawText();
        foreach (var watched in new[] { "flowfunctions.ingest.dead_lettered", "flowfunctions.ingest.invocations_dead_lettered", "resultCode", "IngestEvents" })
        {
            Assert.Contains(watched, text, StringComparison.Ordinal);
        }

        Assert.Contains(Resources(monitoring), r => r.GetProperty("type").GetString() == "Microsoft.Insights/scheduledQueryRules");
        foreach (var module in new[] { "storage", "keyvault", "package-storage" })
        {
            var deployment = Deployment(main, module);
            Assert.Equal(Output("monitoring", "workspaceId"), Parameter(deployment, "workspaceId"));
            Assert.Contains(Resources(deployment), r => r.GetProperty("type").GetString() == "Microsoft.Insights/diagnosticSettings");
        }
    }

    [Fact]
    public async Task ARedeployAfterDeletingTheGroupCanRecoverTheVaultAndPurgeProtectionIsNeverSentOff()
    {
        using var main = await BuildAsync();
        var parameters = main.RootElement.GetProperty("parameters");
        Assert.False(parameters.GetProperty("keyVaultRecover").GetProperty("defaultValue").GetBoolean());
        Assert.False(parameters.GetProperty("keyVaultPurgeProtection").GetProperty("defaultValue").GetBoolean());
        Assert.Equal(7, parameters.GetProperty("keyVaultRetentionDays").GetProperty("defaultValue").GetInt32());

        var keyVault = Deployment(main, "keyvault");
        Assert.Equal("[parameters('keyVaultRecover')]", Parameter(keyVault, "recover"));
        var vault = Resources(keyVault).Single(r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults").GetProperty("properties");
        Assert.Equal("[if(parameters('recover'), 'recover', 'default')]", vault.GetProperty("createMode").GetString());

        // A recovered vault that had purge protection refuses "false": the property is left out unless it is on.
        Assert.Equal("[if(parameters('purgeProtection'), true(), null())]", vault.GetProperty("enablePurgeProtection").GetString());
        Assert.Equal("[parameters('softDeleteRetentionDays')]", vault.GetProperty("softDeleteRetentionInDays").GetString());
    }

    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    private static async Task<JsonDocument> BuildAsync()
    {
        var (exit, stdout, stderr) = await BicepAsync("build", Path.Combine(Root, "main.bicep"), "--stdout");
        Assert.True(exit == 0, stderr);
        return JsonDocument.Parse(stdout);
    }

    private static JsonElement Deployment(JsonDocument main, string name) =>
        main.RootElement.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == name);

    private static JsonElement.ArrayEnumerator Resources(JsonElement deployment) =>
        deployment.GetProperty("properties").GetProperty("template").GetProperty("resources").EnumerateArray();

    private static string Parameter(JsonElement deployment, string name) =>
        deployment.GetProperty("properties").GetProperty("parameters").GetProperty(name).GetProperty("value").GetString()!;

    /// <summary>How main.bicep passes a module's output on, as the built template writes it.</summary>
    private static string Output(string module, string output) =>
        $"[reference(resourceId('Microsoft.Resources/deployments', '{module}'), '2025-04-01').outputs.{output}.value]";

    /// <summary>A module's role assignments: the role's GUID (its variables resolved), the principal and the scope expressions.</summary>
    private static IEnumerable<(string Role, string Principal, string Scope)> RoleAssignments(JsonElement deployment)
    {
        var template = deployment.GetProperty("properties").GetProperty("template");
        var variables = template.TryGetProperty("variables", out var v) ? v : default;
        foreach (var r in Resources(deployment).Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments"))
        {
            var properties = r.GetProperty("properties");
            var role = properties.GetProperty("roleDefinitionId").GetString()!;
            var guid = System.Text.RegularExpressions.Regex.Match(role, "variables\\('(\\w+)'\\)(?:\\.(\\w+))?") is { Success: true } m
                ? (m.Groups[2].Success ? variables.GetProperty(m.Groups[1].Value).GetProperty(m.Groups[2].Value) : variables.GetProperty(m.Groups[1].Value)).GetString()!
                : role;
            yield return (guid, properties.GetProperty("principalId").GetString()!, r.GetProperty("scope").GetString()!);
        }
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
