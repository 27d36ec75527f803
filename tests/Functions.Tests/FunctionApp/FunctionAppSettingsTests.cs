using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Functions.Simulation;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// infra/bicep and local.settings.sample.json against the app: the app is started in function-app mode on exactly the
/// settings each file sets, every configuration key it reads is recorded, and every key it reads is either set by the
/// file or has a default shipped in appsettings.json (or is an alternative named below, with the reason). The bindings'
/// settings (function.json) are set too, and every setting in a file is read by the app or by the host (no typos).
/// </summary>
public sealed partial class FunctionAppSettingsTests
{
    /// <summary>Settings the app may read but a deployment need not set, and why.</summary>
    private static readonly Dictionary<string, string> Alternatives = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Storage__ConnectionString"] = "read first; unset in the cloud, where Storage__TableServiceUri/BlobServiceUri and the identity are used",
        ["Storage__TableServiceUri"] = "the identity form; unset locally, where Storage__ConnectionString points at Azurite",
        ["Storage__BlobServiceUri"] = "the identity form; unset locally",
        ["Storage__ClientId"] = "only for a user-assigned identity (the Bicep deployment's); unset locally",
        ["Storage__CheckServiceLimits"] = "a test aid (Azurite does not enforce the Table service's size limits); off in a deployment, where the service enforces them",
        ["AzureWebJobsStorage"] = "the app falls back to the host's storage only when Storage__* is unset",
        ["Auth__DevelopmentKeys"] = "Development environment only",
        ["urls"] = "standalone only; under the host the port comes from FUNCTIONS_CUSTOMHANDLER_PORT",
        ["Simulator"] = "the built-in feed's tuning, read by its options but used only when Simulator__Enabled is true (false here)",
    };

    /// <summary>Settings the Functions host and its extensions read (not the handler).</summary>
    private static readonly string[] HostSettings =
    [
        "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "ASPNETCORE_ENVIRONMENT",
    ];

    private static readonly string[] AppRoots = ["Storage", "Auth", "Plans", "Simulator", "Greeks", "Ingest", "Snapshots", "AzureWebJobsStorage", "EventHubName", "EventHubConsumerGroup", "EventHubConnection", "urls"];

    [Fact]
    public void BicepSetsEverySettingTheAppAndItsBindingsRead() => Check("infra/bicep", BicepSettings());

    [Fact]
    public void LocalSettingsSampleSetsEverySettingTheAppAndItsBindingsRead() => Check("local.settings.sample.json", LocalSettings());

    [Fact]
    public void BicepDeclaresNoSecretValuesAndGrantsTheDataRoles()
    {
        var root = Path.Combine(AzuriteFixture.RepositoryRoot(), "infra", "bicep");
        var all = string.Join("\n", Directory.GetFiles(root, "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var (name, value) in BicepSettingExpressions())
        {
            Assert.DoesNotMatch("(?i)AccountKey|SharedAccessKey|listKeys", value);
            Assert.False(name.Contains("KeyHashSecret", StringComparison.Ordinal) && !value.StartsWith("'@Microsoft.KeyVault(", StringComparison.Ordinal), "the key-hashing secret must be a Key Vault reference");
        }

        Assert.DoesNotContain("listKeys(", all, StringComparison.Ordinal);
        Assert.Contains("allowSharedKeyAccess: false", all, StringComparison.Ordinal);
        Assert.Contains("disableLocalAuth: true", all, StringComparison.Ordinal);
        foreach (var role in new[] { "storageBlobDataOwner", "storageTableDataContributor", "eventHubsDataReceiver", "keyVaultSecretsUser" })
        {
            Assert.Matches($"roleIds\\.{role}\\)", all);
        }

        Assert.Contains("runtime: { name: 'custom'", all, StringComparison.Ordinal);
        Assert.Contains("'FC1'", all, StringComparison.Ordinal);

        // The tables and containers the app uses are created by the template.
        var storage = FlowFunctions.Storage.Azure.AzureStorage.FromConnectionString("UseDevelopmentStorage=true");
        foreach (var name in storage.Tables.Concat(storage.Containers))
        {
            Assert.Contains($"'{name}'", all, StringComparison.Ordinal);
        }

        // Every parameter says what it is for.
        var main = File.ReadAllText(Path.Combine(root, "main.bicep"));
        foreach (Match param in ParamRegex().Matches(main))
        {
            var block = main[..param.Index];
            var previousParam = block.LastIndexOf("\nparam ", StringComparison.Ordinal);
            Assert.True(block[Math.Max(0, previousParam)..].Contains("@description(", StringComparison.Ordinal), $"parameter {param.Groups[1].Value} has no @description");
        }
    }

    private static void Check(string file, IReadOnlyDictionary<string, string> settings)
    {
        var set = new HashSet<string>(settings.Keys, StringComparer.OrdinalIgnoreCase);
        var read = ReadKeys(settings);
        var defaults = ShippedDefaults();

        var known = set.Concat(defaults).Concat(read).ToArray();
        var unset = read
            .Where(k => !set.Contains(k) && !defaults.Contains(k))
            .Where(k => !known.Any(other => other.StartsWith(k + "__", StringComparison.OrdinalIgnoreCase))) // a section, not a value
            .Where(k => !Alternatives.ContainsKey(k) && !Alternatives.Keys.Any(a => k.StartsWith(a + "__", StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        Assert.True(unset.Length == 0, $"{file} does not set what the app reads: {string.Join(", ", unset)}");

        // The bindings' settings: %name% placeholders and connection prefixes in function.json.
        foreach (var (name, function) in FunctionAppLayoutTests.Functions())
        {
            var trigger = FunctionAppLayoutTests.Trigger(function);
            foreach (var property in trigger.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                var value = property.Value.GetString()!;
                if (value.StartsWith('%') && value.EndsWith('%'))
                {
                    Assert.True(set.Contains(value.Trim('%')), $"{file} does not set {value} ({name}.{property.Name})");
                }
            }

            if (trigger.TryGetProperty("connection", out var connection))
            {
                var prefix = connection.GetString()!;
                Assert.True(set.Contains(prefix) || set.Contains(prefix + "__fullyQualifiedNamespace"), $"{file} sets neither {prefix} nor {prefix}__fullyQualifiedNamespace");
            }
        }

        Assert.True(set.Contains("AzureWebJobsStorage") || set.Contains("AzureWebJobsStorage__accountName"), $"{file} gives the host no storage");

        // Nothing set that nobody reads (a misspelt name would be silently ignored).
        var unread = set.Where(k => !read.Contains(k) && !HostSettings.Contains(k, StringComparer.OrdinalIgnoreCase) && !k.StartsWith("EventHub", StringComparison.Ordinal)).ToArray();
        Assert.True(unread.Length == 0, $"{file} sets what neither the app nor the host reads: {string.Join(", ", unread)}");
    }

    /// <summary>Starts the app under the host's variables on exactly <paramref name="settings"/> and returns every app key it read.</summary>
    private static HashSet<string> ReadKeys(IReadOnlyDictionary<string, string> settings)
    {
        var recorded = new ConcurrentDictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        using (var app = new SettingsFactory(settings, recorded))
        {
            var services = app.Services; // builds and starts the host: hosted services read their options
            _ = services.GetRequiredService<AppMode>();
            _ = services.GetRequiredService<IFlowStore>();
            _ = services.GetRequiredService<IApiKeyStore>();
            _ = services.GetRequiredService<IQuotaStore>();
            _ = services.GetRequiredService<ISnapshotStore>();
            _ = services.GetRequiredService<IDeadLetterStore>();
            _ = services.GetRequiredService<IDeliveryLog>();
            _ = services.GetRequiredService<ApiKeyHasher>();
            _ = services.GetRequiredService<Analytics.Pricing.PricingParameters>();
            _ = services.GetRequiredService<MarketClock>();
            _ = services.GetRequiredService<IOptions<PlansOptions>>().Value;
            _ = services.GetRequiredService<IOptions<AuthOptions>>().Value;
            _ = services.GetRequiredService<IOptions<SimulatorFeedOptions>>().Value;
            _ = services.GetRequiredService<IOptions<SnapshotTimerOptions>>().Value;
            _ = services.GetRequiredService<IOptions<Functions.Ingest.IngestOptions>>().Value;
        }

        return recorded.Keys
            .Select(k => k.Replace(":", "__", StringComparison.Ordinal))
            .Where(k => AppRoots.Any(r => k.Equals(r, StringComparison.OrdinalIgnoreCase) || k.StartsWith(r + "__", StringComparison.OrdinalIgnoreCase)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every leaf key appsettings.json gives a value, in <c>__</c> form.</summary>
    private static HashSet<string> ShippedDefaults()
    {
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(AzuriteFixture.RepositoryRoot(), "src", "Functions", "appsettings.json")).Build();
        return config.AsEnumerable().Where(p => p.Value is not null).Select(p => p.Key.Replace(":", "__", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The app settings of modules/functionapp.bicep, with values the template computes replaced by plausible ones.</summary>
    private static Dictionary<string, string> BicepSettings() =>
        BicepSettingExpressions().ToDictionary(
            p => p.Key,
            p => p.Value.StartsWith('\'') && p.Value.EndsWith('\'') && !p.Value.Contains("${", StringComparison.Ordinal) ? p.Value.Trim('\'') : Plausible(p.Key, p.Value),
            StringComparer.OrdinalIgnoreCase);

    /// <summary>The app settings of modules/functionapp.bicep as written: name and Bicep expression.</summary>
    private static Dictionary<string, string> BicepSettingExpressions()
    {
        var text = File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "infra", "bicep", "modules", "functionapp.bicep"));
        var start = text.IndexOf("// app settings begin", StringComparison.Ordinal);
        var end = text.IndexOf("// app settings end", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "functionapp.bicep lost its app settings markers");
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in SettingRegex().Matches(text[start..end]))
        {
            settings[m.Groups[1].Value] = m.Groups[2].Value.Trim();
        }

        return settings;
    }

    private static Dictionary<string, string> LocalSettings()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "local.settings.sample.json")));
        return doc.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
    }

    private static string Plausible(string name, string expression) => name switch
    {
        _ when name.EndsWith("TableServiceUri", StringComparison.Ordinal) => "https://flowtest.table.core.windows.net/",
        _ when name.EndsWith("BlobServiceUri", StringComparison.Ordinal) => "https://flowtest.blob.core.windows.net/",
        _ when name.Contains("KeyHashSecret", StringComparison.Ordinal) => expression.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal) ? "resolved-from-key-vault-by-the-platform-000" : "not a key vault reference",
        _ when name.StartsWith("Plans__", StringComparison.Ordinal) => "7",
        _ when name.StartsWith("Greeks__", StringComparison.Ordinal) => "0.04",
        _ => "computed-by-the-template",
    };

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z0-9_]*):\s*(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex SettingRegex();

    [GeneratedRegex(@"^param\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex ParamRegex();

    /// <summary>The app in function-app mode, Production, on exactly the given settings plus a key recorder.</summary>
    private sealed class SettingsFactory(IReadOnlyDictionary<string, string> settings, ConcurrentDictionary<string, bool> recorded) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration((_, config) =>
            {
                var values = settings.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
                values["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7999";
                config.AddInMemoryCollection(values);
                config.Add(new RecordingSource(recorded));
            });
        }
    }

    /// <summary>A configuration source that has no values and records every key asked of it (it is asked first).</summary>
    private sealed class RecordingSource(ConcurrentDictionary<string, bool> recorded) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(recorded);
    }

    private sealed class RecordingProvider(ConcurrentDictionary<string, bool> recorded) : ConfigurationProvider
    {
        public override bool TryGet(string key, out string? value)
        {
            recorded[key] = true;
            value = null;
            return false;
        }
    }
}
