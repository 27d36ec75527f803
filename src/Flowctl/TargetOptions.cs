using System.CommandLine;
using Azure.Identity;
using FlowFunctions.Flowctl.Targets;

namespace FlowFunctions.Flowctl;

/// <summary>
/// Where <c>replay</c> and <c>simulate</c> send events (<c>--to</c>): <c>app</c>, a running app's ingest endpoint
/// (<c>--url</c>, admin <c>--api-key</c> or <c>FLOWCTL_API_KEY</c>); <c>storage</c>, the app's storage directly (the
/// storage options); <c>eventhubs</c>, an Event Hub (<c>--eventhubs-connection</c> or <c>FLOWCTL_EVENTHUBS_CONNECTION</c>
/// with a SAS key, or <c>--namespace</c> and <c>--hub</c> with an Entra identity).
/// </summary>
public sealed class TargetOptions(StorageArguments storage)
{
    public Option<string> To { get; } = new("--to") { Description = "app, storage or eventhubs", DefaultValueFactory = _ => "app" };

    public Option<Uri?> Url { get; } = UrlOption.Create("--url", "The app's base URL (to app)", "http://localhost:7071", new Uri("http://localhost:7071"));

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "An admin key (to app; env FLOWCTL_API_KEY)" };

    public Option<string?> EventHubsConnection { get; } = new("--eventhubs-connection") { Description = "Event Hubs connection string with a SAS key (env FLOWCTL_EVENTHUBS_CONNECTION)" };

    public Option<string?> Namespace { get; } = new("--namespace") { Description = "Event Hubs namespace, e.g. my-ns.servicebus.windows.net (Entra identity)" };

    public Option<string?> Hub { get; } = new("--hub") { Description = "Event Hub name" };

    public void AddTo(Command command)
    {
        command.Add(To);
        command.Add(Url);
        command.Add(ApiKey);
        command.Add(EventHubsConnection);
        command.Add(Namespace);
        command.Add(Hub);
    }

    public IEventTarget Open(ParseResult parse, TimeProvider time, HttpMessageHandler? handler = null)
    {
        switch (parse.GetValue(To)?.ToLowerInvariant())
        {
            case "app":
                var key = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("FLOWCTL_API_KEY")
                    ?? throw new FlowctlException("--to app needs an admin key: --api-key or FLOWCTL_API_KEY (dev-admin on the standalone app).");
                return new AppTarget(parse.GetValue(Url)!, key, handler);
            case "storage":
                return new StorageTarget(storage.Open(parse), time);
            case "eventhubs":
                var connection = parse.GetValue(EventHubsConnection) ?? Environment.GetEnvironmentVariable("FLOWCTL_EVENTHUBS_CONNECTION");
                if (connection is not null)
                {
                    return EventHubsTarget.FromConnectionString(connection, parse.GetValue(Hub));
                }

                var ns = parse.GetValue(Namespace) ?? throw new FlowctlException("--to eventhubs needs --eventhubs-connection, or --namespace and --hub for an Entra identity.");
                var hub = parse.GetValue(Hub) ?? throw new FlowctlException("--to eventhubs with --namespace needs --hub.");
                return EventHubsTarget.WithToken(ns.Contains('.', StringComparison.Ordinal) ? ns : ns + ".servicebus.windows.net", hub, new DefaultAzureCredential());
            default:
                throw new FlowctlException($"Unknown target \"{parse.GetValue(To)}\": use app, storage or eventhubs.");
        }
    }
}
