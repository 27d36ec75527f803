namespace FlowFunctions.Functions.Hosting;

/// <summary>How this process runs (SPEC §2): <c>standalone</c> or <c>function-app</c>, and on which store.</summary>
public sealed record AppMode(string Name, string Storage)
{
    public const string Standalone = "standalone";
    public const string FunctionApp = "function-app";

    /// <summary>The Functions host sets this variable when it starts a custom handler.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public bool IsStandalone => Name == Standalone;
}
