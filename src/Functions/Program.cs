// FlowFunctions: one executable that is the standalone app (dotnet run) and, under the Azure Functions host,
// the custom handler. Composition lives in Hosting/FlowFunctionsSetup.cs; each endpoint group in Api/.
using FlowFunctions.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddFlowFunctions();

var app = builder.Build();
app.MapFlowFunctions();
app.Run();

/// <summary>Marker for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
