using System.Net;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The published function app folder (README: <c>dotnet publish src/Functions -c Release -o &lt;dir&gt;</c>): complete
/// and self-contained, and its handler, started the way the Functions host starts it, answering the host's own
/// invocations and HTTP requests proxied as the host proxies them (YARP) on Azurite.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class PublishedFunctionAppTests(AzuriteFixture azurite, PublishedAppFixture published, ITestOutputHelper output) : IClassFixture<PublishedAppFixture>
{
    private const string Secret = "published-app-test-key-hash-secret";
    private const string AlphaKey = "published-test-alpha-key-0001";

    [Fact]
    public void TheFolderIsACompleteSelfContainedReadyToRunFunctionApp()
    {
        var root = AzuriteFixture.RepositoryRoot();
        var app = published.Folder;
        Assert.Equal(File.ReadAllText(Path.Combine(root, "host.json")), File.ReadAllText(Path.Combine(app, "host.json")));
        var functions = FunctionFolders.Generate();
        Assert.Equal(13, functions.Count); // eleven HTTP functions (with the MCP server's), the Event Hubs trigger and the timer
        foreach (var (name, json) in functions)
        {
            Assert.Equal(json, File.ReadAllText(Path.Combine(app, name, "function.json")));
        }

        // Only the function folders are folders: nothing else at the root looks like a function to the host.
        Assert.Equal(functions.Keys.Order(), Directory.GetDirectories(app).Select(Path.GetFileName).Order());

        var executable = Path.Combine(app, "FlowFunctions");
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "the handler is not executable");

        // Self-contained: the runtime ships in the folder, and the runtimeconfig names it as included, not required.
        using (var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "FlowFunctions.runtimeconfig.json"))))
        {
            var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
            Assert.True(options.TryGetProperty("includedFrameworks", out _), "runtimeconfig.json does not list included frameworks");
            Assert.False(options.TryGetProperty("framework", out _) || options.TryGetProperty("frameworks", out _), "the app still asks for a shared framework");
        }

        foreach (var native in new[] { "libcoreclr.so", "libhostfxr.so", "libclrjit.so", "System.Private.CoreLib.dll", "Microsoft.AspNetCore.dll" })
        {
            Assert.True(File.Exists(Path.Combine(app, native)), $"{native} is missing");
        }

        // ReadyToRun: the app's own assemblies carry precompiled native code.
        foreach (var assembly in new[] { "FlowFunctions.dll", "FlowFunctions.Analytics.dll" })
        {
            using var stream = File.OpenRead(Path.Combine(app, assembly));
            using var pe = new PEReader(stream);
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is not ReadyToRun");
            // crossgen2 marks a Linux image by XOR-ing the machine with 0x7B79: x64 code for Linux specifically.
            Assert.Equal((ushort)Machine.Amd64 ^ 0x7B79, (int)(ushort)pe.PEHeaders.CoffHeader.Machine);
        }

        Assert.True(File.Exists(Path.Combine(app, "appsettings.json")));
        // The Development keys ship (README: func start on Azurite gives them), and are seeded only into the emulator.
        Assert.True(File.Exists(Path.Combine(app, "appsettings.Development.json")));
        Assert.False(File.Exists(Path.Combine(app, "local.settings.json")));
    }

    /// <summary>
    /// README, "Publish, and run under func start locally": local.settings.sample.json's values on Azurite, and the
    /// Development keys answer as standalone (Core Tools passes the values as environment variables).
    /// </summary>
    [Fact]
    public async Task TheReadmesLocalFunctionAppPathHasTheDevelopmentKeys()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot(), "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        values["Storage__NamePrefix"] = AzuriteFixture.UniqueName("readme"); // isolation from the other tests only
        foreach (var name in new[] { "AzureWebJobsStorage", "Storage__ConnectionString" })
        {
            // The sample names the emulator on its standard ports; the tests' Azurite may listen elsewhere (AzuriteFixture).
            Assert.Equal("UseDevelopmentStorage=true", values[name]);
            values[name] = azurite.Account.ConnectionString;
        }

        await using var handler = await HandlerProcess.StartAsync(published.Folder, values);
        foreach (var key in new[] { "dev-free", "dev-alpha", "dev-admin" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/account");
            HostPayloads.AddHostHeaders(request);
            request.Headers.Add("X-Api-Key", key);
            using var response = await handler.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{key}: {(int)response.StatusCode}\n{handler.Output}");
        }
    }

    [Fact]
    public async Task TheHandlerAnswersTheHostsInvocationsAndForwardedRequestsOnAzurite()
    {
        var prefix = AzuriteFixture.UniqueName("pub");
        var storage = azurite.Account.Storage(prefix);
        await using var handler = await HandlerProcess.StartAsync(published.Folder, await PublishedAppFixture.AzuriteSettingsAsync(azurite.Account, prefix, Secret, AlphaKey));
        output.WriteLine($"exec to first answer on /: {handler.StartedIn.TotalMilliseconds:F0} ms");
        var now = DateTimeOffset.UtcNow;
        var tape = HostProtocolTests.TradeMessages(0, 60, now);

        // A batch as the host encodes it (arrays inside strings), and one with plain arrays, on two partitions.
        Assert.Contains("30 events folded", (await InvokeAsync(handler, HostPayloads.EventHub(tape[..30], 1_000, "0")))[0], StringComparison.Ordinal);
        Assert.Contains("20 events folded", (await InvokeAsync(handler, HostPayloads.EventHub(tape[30..50], 500, "1", doubleEncoded: false)))[0], StringComparison.Ordinal);

        // The first batch again (the host retrying it): nothing counts twice.
        Assert.Contains("0 committed now, 1 already committed", (await InvokeAsync(handler, HostPayloads.EventHub(tape[..30], 1_000, "0")))[0], StringComparison.Ordinal);

        // Poison among good events: 200, the good ones folded, the bad ones in a dead letter with their reasons.
        string[] poisoned = [tape[50], "{\"type\":\"trade\",\"price\":\"NaN\"", tape[51], "{\"type\":\"trade\",\"ts\":\"2026-01-01T00:00:00Z\",\"underlying\":\"SPY\",\"contract\":\"NOT-AN-OCC\",\"price\":1,\"size\":1}", tape[52]];
        Assert.Contains("3 events folded, 2 dead-lettered", (await InvokeAsync(handler, HostPayloads.EventHub(poisoned, 1_030, "0")))[0], StringComparison.Ordinal);
        var letter = Assert.Single(await storage.CreateDeadLetterStore().ListRecentAsync(10, CancellationToken.None));
        Assert.Equal(2, letter.Events.Count);
        Assert.All(letter.Events, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));

        // HTTP requests arrive proxied (enableProxyingHttpRequest): the path and query as the caller sent them, the
        // caller's headers, the answer streamed back. Each answer through the proxy equals the handler's own.
        await using var proxy = await HostProxy.StartAsync(handler.Http.BaseAddress!);
        foreach (var path in new[]
        {
            "/v1/flow/options/SPY/cumulative?minutes=60",
            $"/v1/flow/options/SPY/cumulative?minutes=60&apiKey={AlphaKey}",
            "/v1/flow/options/spy/cumulative?minutes=6%30",
            "/v1/flow/options/SPY/strike-flow?minutes=390",
        })
        {
            using var direct = await SendAsync(handler.Http, path);
            using var proxied = await SendAsync(proxy.Http, path);
            var body = await proxied.Content.ReadAsStringAsync();
            Assert.True(proxied.StatusCode == direct.StatusCode, $"{path}: {proxied.StatusCode} through the proxy, {direct.StatusCode} direct\n{body}\n{handler.Output}");
            Assert.Equal(await direct.Content.ReadAsStringAsync(), body);
            if (path.Contains("cumulative", StringComparison.Ordinal) && proxied.IsSuccessStatusCode)
            {
                Assert.Equal(53, HostProtocolTests.TradeCount(body));
                Assert.Equal("1200", proxied.Headers.GetValues("X-RateLimit-Limit").Single());
            }
        }

        // The timer tick writes the snapshots to blob storage.
        using (var tick = await handler.Http.SendAsync(HostPayloads.Invocation(FunctionNames.SnapshotLeaderboard, HostPayloads.Timer())))
        {
            Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
        }

        var snapshot = await storage.CreateSnapshotStore().GetAsync(240, CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.True(DateTimeOffset.UtcNow - snapshot.GeneratedUtc < TimeSpan.FromMinutes(1));
        Assert.Contains(snapshot.Board.Buyers.Concat(snapshot.Board.Sellers), r => r.Symbol == "SPY" && r.TradeCount == 53);
        Assert.DoesNotContain(AlphaKey, handler.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (!path.Contains("apiKey", StringComparison.Ordinal))
        {
            request.Headers.Add("X-Api-Key", AlphaKey);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task WithStorageDownInvocationsFailSoTheHostRetriesThemAndTheProbeStillAnswers()
    {
        var nowhere = "http://127.0.0.1:9/devstoreaccount1";
        await using var handler = await HandlerProcess.StartAsync(published.Folder, new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint={nowhere};BlobEndpoint={nowhere};QueueEndpoint={nowhere}",
            ["Auth__KeyHashSecret"] = Secret,
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        using (var response = await handler.Http.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 5, DateTimeOffset.UtcNow), 0))))
        {
            Assert.False(response.IsSuccessStatusCode, $"storage is down but the batch answered {response.StatusCode}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("Storage failed", Assert.Single(await HostPayloads.AnswerLogsAsync(response)), StringComparison.Ordinal);
        }

        output.WriteLine($"failed delivery answered in {started.ElapsedMilliseconds} ms");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"the failure took {started.Elapsed}, too close to the host's timeout");

        using (var tick = await handler.Http.SendAsync(HostPayloads.Invocation(FunctionNames.SnapshotLeaderboard, HostPayloads.Timer())))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, tick.StatusCode);
        }

        using var probe = await handler.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        using var health = await handler.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<string[]> InvokeAsync(HandlerProcess handler, string body)
    {
        using var response = await handler.Http.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));
        var logs = await HostPayloads.AnswerLogsAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", logs) + "\n" + handler.Output);
        return logs;
    }
}
