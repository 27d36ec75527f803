namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Refuses to start on a Key Vault reference the platform could not resolve. App Service hands an app the literal text
/// of such a reference (<c>@Microsoft.KeyVault(...)</c>) and fetches it again only a day later or on a configuration
/// change; the app would run all that time on the wrong value (every API key hashed under the literal, so every real
/// key answering 401). So before anything is built, every setting the app reads is checked; one that still holds a
/// reference is named on one line of standard error and the process exits with <see cref="ExitCode"/>, which the
/// Functions host answers by starting the handler again. README, "Deploy to Azure", says how the Bicep makes the
/// reference resolvable at the first start.
/// </summary>
public static class UnresolvedSettings
{
    /// <summary>EX_CONFIG of sysexits.h: the configuration is wrong.</summary>
    public const int ExitCode = 78;

    private const string ReferencePrefix = "@Microsoft.KeyVault(";

    /// <summary>The settings the app reads: its configuration sections and the platform's settings it uses.</summary>
    private static readonly string[] Read =
    [
        "Auth", "Storage", "Plans", "Ingest", "Greeks", "Simulator", "Snapshots", "Telemetry",
        "AzureWebJobsStorage", "APPLICATIONINSIGHTS_CONNECTION_STRING", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
        "EventHubConnection", "EventHubName", "EventHubConsumerGroup",
    ];

    /// <summary>The keys (in configuration form, <c>Auth:KeyHashSecret</c>) of settings the app reads that hold an unresolved reference.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration) =>
        [.. configuration.AsEnumerable()
            .Where(setting => setting.Value is { } value && IsReference(value) && IsRead(setting.Key))
            .Select(setting => setting.Key)
            .Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Writes one line per unresolved setting to <paramref name="error"/>; true when there was any (the caller exits with <see cref="ExitCode"/>).</summary>
    public static bool Refuse(IConfiguration configuration, TextWriter error)
    {
        var unresolved = Find(configuration);
        foreach (var key in unresolved)
        {
            error.WriteLine($"FlowFunctions will not start: setting {key} is an unresolved Key Vault reference (the platform passed the reference's text, not the secret); grant the app's identity the Key Vault Secrets User role on the vault and check the secret's URI.");
        }

        return unresolved.Count > 0;
    }

    public static bool IsReference(string value) => value.TrimStart().StartsWith(ReferencePrefix, StringComparison.OrdinalIgnoreCase);

    private static bool IsRead(string key) =>
        Read.Any(root => key.Equals(root, StringComparison.OrdinalIgnoreCase) || key.StartsWith(root + ":", StringComparison.OrdinalIgnoreCase));
}
