// FlowFunctions: one executable that is the standalone app (dotnet run) and, under the Azure Functions host,
// the custom handler. Composition lives in Hosting/FlowFunctionsSetup.cs; each endpoint group in Api/. The slim builder
// leaves out what a loopback handler never uses (HTTPS, IIS, regex route constraints), which shortens cold start.
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Triggers;

// At publish: the function folders, from the endpoint list (Triggers/FunctionFolders.cs); no app is started.
if (args is [FunctionFolders.Command, var folder])
{
    Console.WriteLine($"Wrote {FunctionFolders.Write(folder)} function folders to {folder}.");
    return 0;
}

var builder = WebApplication.CreateSlimBuilder(args);
if (UnresolvedSettings.Refuse(builder.Configuration, Console.Error))
{
    return UnresolvedSettings.ExitCode;
}

builder.AddFlowFunctions();

var app = builder.Build();
app.MapFlowFunctions();
app.Run();
return 0;

/// <summary>Marker for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
