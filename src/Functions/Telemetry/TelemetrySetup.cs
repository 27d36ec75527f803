using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using FlowFunctions.Ingest;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowFunctions.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the handler (README, "Telemetry"): requests (ASP.NET Core), storage dependencies (the Azure SDK's
/// own activities), the app's metrics (<see cref="IngestMetrics"/>, <see cref="ApiMetrics"/>) and logs. Exported to
/// Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (signed in with the identity named by
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>, as the host does), else over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; with neither, nothing is collected and logs go to the console only
/// (<c>Telemetry:Enabled</c> turns collection on without an exporter). Every span passes
/// <see cref="RedactingProcessor"/> before any exporter: no query string and no API key leaves the process.
/// </summary>
public static class TelemetrySetup
{
    public const string InsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string InsightsAuthentication = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddFlowTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var insights = config[InsightsConnectionString];
        var otlp = config[OtlpEndpoint];
        if (string.IsNullOrEmpty(insights) && string.IsNullOrEmpty(otlp) && !config.GetValue("Telemetry:Enabled", false))
        {
            return builder;
        }

        // Redaction first: processors see a span in the order they were added, and the exporters come after.
        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.AddFlowProcessing();
        if (!string.IsNullOrEmpty(insights))
        {
            // The distro brings ASP.NET Core, HttpClient and Azure SDK instrumentation, and exports logs too.
            telemetry.UseAzureMonitor(options =>
            {
                options.ConnectionString = insights;
                options.Credential = Credential(config[InsightsAuthentication]);
            });
        }
        else
        {
            telemetry.AddFlowInstrumentation();
            if (!string.IsNullOrEmpty(otlp))
            {
                telemetry.UseOtlpExporter();
            }
        }

        return builder;
    }

    /// <summary>What every configuration has: <see cref="RedactingProcessor"/> on spans, and the app's meters.</summary>
    public static IOpenTelemetryBuilder AddFlowProcessing(this IOpenTelemetryBuilder telemetry) => telemetry
        .WithTracing(tracing => tracing.AddProcessor(new RedactingProcessor()))
        .WithMetrics(metrics => metrics.AddMeter(IngestMetrics.MeterName, ApiMetrics.MeterName));

    /// <summary>The instrumentation without the Azure Monitor distro (which brings its own): requests, the Azure SDK's spans, logs.</summary>
    public static IOpenTelemetryBuilder AddFlowInstrumentation(this IOpenTelemetryBuilder telemetry)
    {
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        return telemetry
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource("Azure.*"))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation())
            .WithLogging();
    }

    /// <summary>
    /// The identity for Entra ID ingestion: <c>Authorization=AAD</c> with an optional <c>ClientId=</c> (a user-assigned
    /// identity), the same string the host reads. Without it the connection string's key is used.
    /// </summary>
    internal static TokenCredential? Credential(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var mode) || !mode.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
