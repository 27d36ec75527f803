using FlowFunctions.Storage;

namespace FlowFunctions.Functions.Hosting;

/// <summary>How the executable was started (README, "Run it" and "As an Azure Functions app").</summary>
public enum HostingMode
{
    /// <summary>On its own: the built-in simulator, the ingest endpoint, the memory store by default.</summary>
    Standalone,

    /// <summary>As the Functions host's custom handler: trigger invocations, Azure storage by default.</summary>
    FunctionApp,
}

/// <summary>The mode the app runs in, decided once at start-up: how it is hosted, and where it keeps its state.</summary>
public sealed record AppMode(HostingMode Hosting, StorageMode Storage)
{
    /// <summary>The Functions host sets this variable when it starts a custom handler.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public bool IsStandalone => Hosting == HostingMode.Standalone;

    /// <summary>The hosting mode's wire name (<c>GET /health</c>'s <c>mode</c>, the start-up banner): <c>standalone</c> or <c>function-app</c>.</summary>
    public string Name => IsStandalone ? "standalone" : "function-app";
}
