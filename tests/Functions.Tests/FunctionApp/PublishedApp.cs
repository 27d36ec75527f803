using FlowFunctions.Functions.Tests.Support;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// Publishes the function app once per test run, with the README's command, into a temporary folder (build output
/// kept apart with <c>--artifacts-path</c> so the repository's own bin/obj are untouched).
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flowfunctions-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public string Folder => Path.Combine(_root, "app");

    public string PublishLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var project = Path.Combine(AzuriteFixture.RepositoryRoot(), "src", "Functions");
        PublishLog = await HandlerPublish.PublishAsync(project, Folder, Path.Combine(_root, "artifacts"), TimeSpan.FromMinutes(5));
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by an exiting process; the temp folder is cleaned by the OS.
        }

        return Task.CompletedTask;
    }
}
