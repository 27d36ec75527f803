using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowFunctions.Functions.Tests.Faults;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// Cancels (docs/methodology.md §13): a tape with 1 % of its prints cancelled answers every endpoint byte for byte like
/// the same tape without those prints, on the memory store (the Azure store's own test is in Azure/CancelAzureTests).
/// </summary>
public sealed class CancelTests(ITestOutputHelper output)
{
    private const int Symbols = 8;
    private const double Intensity = 0.4;

    [Fact]
    public async Task ATapeWithOnePercentOfItsPrintsCancelledAnswersEveryEndpointLikeTheTapeWithoutThem()
    {
        var tape = SessionTape.Simulate(FaultApps.Date, Symbols, TimeSpan.Zero, intensity: Intensity);
        var (cancelled, without) = tape.WithCancels(0.01, seed: 21);
        output.WriteLine($"{tape.Prints:N0} prints, {cancelled.Cancels} cancelled");
        Assert.InRange(cancelled.Cancels, tape.Prints / 200, (tape.Prints / 50) + Symbols);

        using var clean = new FlowApiFactory(now: FaultApps.AfterClose);
        using var withCancels = new FlowApiFactory(now: FaultApps.AfterClose);
        await IngestAsync(clean, without);
        await IngestAsync(withCancels, cancelled);

        var expected = await EndpointAnswers.ReadAsync(clean, tape.Symbols, FaultApps.Date);
        Assert.Equal(without.Prints, EndpointAnswers.Prints(expected));
        EndpointAnswers.AssertSame(expected, await EndpointAnswers.ReadAsync(withCancels, tape.Symbols, FaultApps.Date));
    }

    [Fact]
    public async Task ACancelIsAcceptedOnceAndACancelOfNoKnownPrintChangesNothing()
    {
        using var app = new FlowApiFactory(now: FaultApps.AfterClose);
        using var client = app.ClientWithKey(Keys.Admin);
        const string Trade = """{"type":"trade","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","price":1.32,"size":10,"bid":1.30,"ask":1.33,"spot":589.5,"id":"t-1"}""";
        const string Cancel = """{"type":"cancel","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","id":"t-1"}""";
        const string NoId = """{"type":"cancel","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C"}""";

        var answer = await PostAsync(client, $"[{Trade},{Cancel},{Cancel},{NoId}]");
        Assert.Contains("\"accepted\":3", answer, StringComparison.Ordinal);
        Assert.Contains("id is required for a cancel", answer, StringComparison.Ordinal);

        using var reader = app.ClientWithKey(Keys.Alpha);
        var cumulative = await reader.GetStringAsync("/v1/flow/options/SPY/cumulative?minutes=390");
        Assert.Contains("\"points\":[]", cumulative, StringComparison.Ordinal);
    }

    private static async Task<string> PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/v1/ingest/events", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return text;
    }

    private static async Task IngestAsync(FlowApiFactory app, SessionTape tape)
    {
        using var client = app.ClientWithKey(Keys.Admin);
        foreach (var partition in tape.Deliveries(batchSize: 500, partitions: 2))
        {
            foreach (var delivery in partition)
            {
                await PostAsync(client, "[" + string.Join(',', delivery.Messages) + "]");
            }
        }
    }
}
