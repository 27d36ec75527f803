// Entry point of the FlowFunctions app. For now it only answers health and the start-up probe;
// the endpoints, storage and triggers arrive with their issues.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://localhost:7071");

var app = builder.Build();
app.MapGet("/", () => Results.Text("FlowFunctions is running.", "text/plain"));
app.MapGet("/health", () => Results.Ok(new { status = "OK" }));
app.Run();

/// <summary>Marker for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
