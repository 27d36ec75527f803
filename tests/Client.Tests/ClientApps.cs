using FlowFunctions.Testing;

namespace FlowFunctions.Client.Tests;

/// <summary>Clients of the app in memory.</summary>
public static class InMemoryClients
{
    /// <summary>A client on the app's in-memory handler (after <paramref name="before"/>, when given).</summary>
    public static FlowFunctionsClient Client(this IngestedApp app, string key, Action<FlowFunctionsClientOptions>? configure = null, DelegatingHandler? before = null)
    {
        var options = new FlowFunctionsClientOptions { BaseAddress = new Uri("http://localhost/"), ApiKey = key, RetryBackoff = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(options);
        HttpMessageHandler handler = app.Factory.Server.CreateHandler();
        if (before is not null)
        {
            before.InnerHandler = handler;
            handler = before;
        }

        return new FlowFunctionsClient(new HttpClient(handler), options);
    }
}

/// <summary>The app on a real socket with the same tapes, and streams that end every second.</summary>
public sealed class SocketApp() : IngestedSocketApp(new Dictionary<string, string?>
{
    ["Stream:MaxLifetimeSeconds"] = "1",
    ["Stream:RetryMilliseconds"] = "100",
    ["Stream:PollMilliseconds"] = "20",
});
