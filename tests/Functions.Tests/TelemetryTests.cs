using System.Diagnostics;
using System.Text;
using FlowFunctions.Functions.Telemetry;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// The handler's telemetry, with the app's own instrumentation and redaction and in-memory exporters in place of
/// Application Insights: requests and metrics are there, and no API key and no query string is in any span, metric or
/// log record, whatever the request does with its key (header or query, valid, unknown, malformed, revoked, over
/// quota, below plan).
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task NoKeyAndNoQueryStringInAnySpanMetricOrLog()
    {
        const string Unknown = "unknown-key-0123456789";
        const string Malformed = "bad key with spaces";
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var logs = new List<LogRecord>();
        using var factory = new FlowApiFactory(new Dictionary<string, string?> { ["Plans:growth:DailyLimit"] = "1" })
            .WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddOpenTelemetry()
                .AddFlowProcessing()
                .AddFlowInstrumentation()
                .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
                .WithMetrics(m => m.AddInMemoryExporter(metrics))
                .WithLogging(l => l.AddInMemoryExporter(logs))));
        using var plain = factory.CreateClient();
        string[] keys = [.. Keys.All, Unknown, Malformed];
        foreach (var key in keys)
        {
            var escaped = Uri.EscapeDataString(key);
            await plain.GetAsync($"/v1/flow/options/SPY/cumulative?apiKey={escaped}&minutes=30");
            await plain.GetAsync($"/v1/flow/options/leaderboard?apiKey={escaped}");
            await plain.GetAsync($"/v1/nowhere?apiKey={escaped}");
            using var headed = new HttpClient(factory.Server.CreateHandler()) { BaseAddress = factory.Server.BaseAddress };
            headed.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
            await headed.GetAsync("/v1/flow/summary/SPY?expiry=bad");
            await headed.GetAsync("/v1/account");
            await headed.GetAsync("/v1/account");
            await headed.GetAsync("/v1/strategies/flow-anomaly/SPY"); // the growth key's second counted request today: 429
            await headed.PostAsync("/v1/ingest/events", new StringContent("[{\"type\":\"x\"}]", Encoding.UTF8, "application/json"));
        }

        using (var admin = new HttpClient(factory.Server.CreateHandler()) { BaseAddress = factory.Server.BaseAddress })
        {
            admin.DefaultRequestHeaders.Add("X-Api-Key", Keys.Admin);
            using var ingested = await admin.PostAsync("/v1/ingest/events", new StringContent(System.Text.Json.JsonSerializer.Serialize(HandTapes.Hand), Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.OK, ingested.StatusCode);
        }
        factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
        factory.Services.GetRequiredService<MeterProvider>().ForceFlush();
        factory.Services.GetRequiredService<LoggerProvider>().ForceFlush();

        // Stop the app (its timers and hosted services export too) before reading what was exported, and wait until
        // nothing more arrives: a span that ends on another thread while the app stops is exported a moment later.
        factory.Dispose();
        await ExportsSettledAsync(spans, metrics, logs);

        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") is "/v1/flow/options/{symbol}/cumulative");
        Assert.Contains(metrics, m => m.Name == "flowfunctions.quota.refusals");
        Assert.Contains(metrics, m => m.Name == "flowfunctions.ingest.prints");
        Assert.Contains(metrics, m => m.Name == "flowfunctions.cache.lookups");
        Assert.NotEmpty(logs);

        var exported = new List<string>();
        foreach (var span in spans.ToArray())
        {
            exported.Add(span.DisplayName);
            exported.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            exported.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")));
        }

        foreach (var metric in metrics.ToArray())
        {
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    exported.Add($"{metric.Name} {tag.Key}={tag.Value}");
                }
            }
        }

        foreach (var log in logs.ToArray())
        {
            exported.Add($"{log.CategoryName} {log.FormattedMessage} {log.Body} {log.Exception}");
            exported.AddRange(log.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
        }

        Assert.Contains(exported, e => e.StartsWith("url.path=", StringComparison.Ordinal));
        foreach (var line in exported)
        {
            Assert.DoesNotContain("?", line, StringComparison.Ordinal);
            Assert.DoesNotContain("apiKey=", line, StringComparison.OrdinalIgnoreCase);
            foreach (var key in keys)
            {
                Assert.DoesNotContain(key, line, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(key), line, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Waits (at most 5 s) until three reads 100 ms apart find the same number of spans, metrics and logs.</summary>
    private static async Task ExportsSettledAsync(List<Activity> spans, List<MetricSnapshot> metrics, List<LogRecord> logs)
    {
        var last = -1;
        var steady = 0;
        for (var i = 0; i < 50 && steady < 2; i++)
        {
            await Task.Delay(100);
            var count = spans.Count + metrics.Count + logs.Count;
            steady = count == last ? steady + 1 : 0;
            last = count;
        }
    }

    [Theory]
    [InlineData("url.full", "https://x.example/v1/account?apiKey=secret", "https://x.example/v1/account")]
    [InlineData("url.path", "/v1/account", "/v1/account")]
    [InlineData("db.statement", "X-Api-Key: secret", RedactingProcessor.Redacted)]
    [InlineData("message", "see https://x.example/a?apikey=secret", "see https://x.example/a")]
    [InlineData("message", "apikey=secret", RedactingProcessor.Redacted)]
    public void TagValuesAreCleaned(string key, string value, string expected) =>
        Assert.Equal(expected, RedactingProcessor.Clean(key, value));
}
