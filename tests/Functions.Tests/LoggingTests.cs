using System.Text;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>Keys never reach the logs, whatever the request does with them and at every log level.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task NoKeyAppearsInAnyLogLine()
    {
        const string Unknown = "ff_unknown-key-0123456789";
        using var factory = new FlowApiFactory(new Dictionary<string, string?> { ["Plans:free:DailyLimit"] = "1" });
        using var plain = factory.CreateClient();
        foreach (var key in Keys.All.Append(Unknown))
        {
            await plain.GetAsync($"/v1/flow/options/SPY/cumulative?apiKey={key}");
            await plain.GetAsync($"/v1/nowhere?apiKey={key}");
            using var headed = factory.ClientWithKey(key);
            await headed.GetAsync("/v1/flow/summary/SPY?expiry=bad");
            await headed.GetAsync("/v1/account");
            await headed.GetAsync("/v1/account");
            await headed.PostAsync("/v1/ingest/events", new StringContent("[{\"type\":\"x\"}]", Encoding.UTF8, "application/json"));
        }

        await factory.IngestAsync(HandTapes.Hand);
        Assert.NotEmpty(factory.Logs.Lines);
        foreach (var line in factory.Logs.Lines)
        {
            foreach (var key in Keys.All.Append(Unknown))
            {
                Assert.DoesNotContain(key, line, StringComparison.Ordinal);
            }
        }
    }
}
