using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Hosting;

/// <summary>
/// Once the server listens, prints where the dashboard is and, in Development, the Development keys, to standard
/// output for the person at the terminal. This is deliberately not a log: logs never carry a key.
/// </summary>
public sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IOptions<AuthOptions> auth,
    AppMode mode,
    MarketClock clock,
    IOptions<Simulation.SimulatorFeedOptions> simulator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        var baseUrl = address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        var o = Console.Out;
        o.WriteLine();
        o.WriteLine($"  FlowFunctions {mode.Name} · {mode.Storage.Name()} store · {environment.EnvironmentName}");
        if (!mode.IsStandalone)
        {
            // Under the host the public address is the host's; this port is loopback, for the host alone.
            o.WriteLine($"  Handler     {baseUrl} (the Functions host forwards HTTP, Event Hubs and timer invocations here)");
            o.WriteLine();
            return;
        }

        o.WriteLine($"  Dashboard   {baseUrl}/");
        o.WriteLine($"  OpenAPI     {baseUrl}{Api.Endpoints.OpenApi.Path} (interactive: {baseUrl}{Api.Endpoints.Docs.Path})");
        o.WriteLine($"  MCP         {baseUrl}/mcp (streamable HTTP, key in X-Api-Key)");
        if (simulator.Value.Enabled)
        {
            o.WriteLine(clock.IsReplay
                ? $"  Simulator   market closed: replaying the session of {Analytics.Time.NewYorkTime.TradingDate(clock.Now):yyyy-MM-dd} on a clock {clock.Behind:d\\.hh\\:mm} (d.hh:mm) behind"
                : "  Simulator   live session");
        }

        var keys = environment.IsDevelopment() ? auth.Value.DevelopmentKeys : [];
        if (keys.Count > 0)
        {
            o.WriteLine("  Development keys (this environment only):");
            foreach (var k in keys)
            {
                o.WriteLine($"    {(k.Admin ? "admin" : k.Plan),-7} {k.Key}");
            }

            var alpha = keys.FirstOrDefault(k => k.Plan == "alpha" && !k.Admin)?.Key ?? keys[0].Key;
            o.WriteLine($"  Try         curl -H \"X-Api-Key: {alpha}\" \"{baseUrl}{Api.Endpoints.Leaderboard.Url(query: "n=5")}\"");
        }

        o.WriteLine();
    }
}
