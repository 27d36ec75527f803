using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The key in function-app mode (docs/api.md "Keys, plans and quotas"): the header only, since the Functions host
/// records the forwarded URL in its own telemetry; and host.json keeps the host from recording the handler's URLs.
/// </summary>
public sealed class FunctionAppKeyTests
{
    [Fact]
    public async Task TheFunctionAppReadsTheKeyFromTheHeaderOnly()
    {
        using var app = HostProtocolTests.FunctionApp();
        using var anonymous = app.CreateClient();
        var text = await ErrorAssert.IsAsync(await anonymous.GetAsync($"/v1/account?apiKey={Keys.Alpha}"), 401, "unauthorized");
        Assert.Contains("X-Api-Key header", text, StringComparison.Ordinal);

        using var keyed = app.ClientWithKey(Keys.Alpha);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/v1/account")).StatusCode);

        // Standalone still reads the query, for a browser address or curl.
        using var standalone = new FlowApiFactory();
        Assert.Equal(HttpStatusCode.OK, (await standalone.CreateClient().GetAsync($"/v1/account?apiKey={Keys.Alpha}")).StatusCode);
    }

    [Fact]
    public void TheHostDoesNotTrackDependencies()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "host.json")));
        Assert.False(host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("enableDependencyTracking").GetBoolean());
    }
}
