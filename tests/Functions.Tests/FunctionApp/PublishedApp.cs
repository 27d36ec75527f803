using System.Text;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// Publishes the function app once per test run, with the README's command, into a temporary folder (build output
/// kept apart with <c>--artifacts-path</c> so the repository's own bin/obj are untouched). Every test class that uses
/// this fixture shares the one publish; the folder is deleted when the test process exits.
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "flowfunctions-publish-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly Lazy<Task<string>> Publish = new(() =>
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteRoot();
        var project = Path.Combine(AzuriteFixture.RepositoryRoot(), "src", "Functions");
        return HandlerPublish.PublishAsync(project, Path.Combine(Root, "app"), Path.Combine(Root, "artifacts"), TimeSpan.FromMinutes(5));
    });

    public string Folder { get; } = Path.Combine(Root, "app");

    public string PublishLog { get; private set; } = string.Empty;

    public async Task InitializeAsync() => PublishLog = await Publish.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// A published handler's settings on Azurite under <paramref name="prefix"/>, as the host passes them in function-app
    /// mode, with <paramref name="alphaKey"/> stored as an alpha key hashed under <paramref name="secret"/>.
    /// </summary>
    public static async Task<Dictionary<string, string>> AzuriteSettingsAsync(AzuriteAccount account, string prefix, string secret, string alphaKey)
    {
        var digest = new ApiKeyHasher(Encoding.UTF8.GetBytes(secret)).Digest(alphaKey);
        await account.Storage(prefix).CreateApiKeyStore().CreateAsync(new ApiKeyRecord(digest.Id, digest.Hash, "published test", Plan.Alpha, false, DateTimeOffset.UtcNow), CancellationToken.None);
        return new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = account.ConnectionString, // the host's own setting; the app falls back to it
            ["Storage__NamePrefix"] = prefix,
            ["Auth__KeyHashSecret"] = secret,
            ["EventHubName"] = HostPayloads.Hub,
            ["EventHubConsumerGroup"] = HostPayloads.ConsumerGroup,
        };
    }

    private static void DeleteRoot()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by an exiting process; the temp folder is cleaned by the OS.
        }
    }
}
