using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlowFunctions.Testing;

/// <summary>The app with the hand tape and the bullish SPY tape ingested, shared by the read-only tests of a class.</summary>
public sealed class IngestedApp : IAsyncLifetime
{
    public FlowApiFactory Factory { get; } = new();

    public async Task InitializeAsync()
    {
        await Factory.IngestAsync(HandTapes.Bullish());
        await Factory.IngestAsync(HandTapes.Hand);
        Factory.Clock.Advance(TimeSpan.FromSeconds(31)); // past the start-up leaderboard snapshot
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();

    public async Task<JsonElement> GetJsonAsync(string url, string key = Keys.Alpha)
    {
        using var client = Factory.ClientWithKey(key);
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>
/// The same tapes on the app over a real socket (Kestrel, port 0), for clients that open their own connections (the
/// .NET and Python clients, the MCP client). Derive to add settings.
/// </summary>
public class IngestedSocketApp : IAsyncLifetime
{
    public IngestedSocketApp()
        : this(null)
    {
    }

    protected IngestedSocketApp(IReadOnlyDictionary<string, string?>? settings) => Factory = new FlowApiFactory(settings);

    public FlowApiFactory Factory { get; }

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.StartOnLoopback();
        using var http = Factory.CreateClient();
        Address = http.BaseAddress!;
        await Factory.IngestAsync(HandTapes.Bullish());
        await Factory.IngestAsync(HandTapes.Hand);
        Factory.Clock.Advance(TimeSpan.FromSeconds(31)); // past the start-up leaderboard snapshot
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();
}
