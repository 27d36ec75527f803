using System.Net;
using System.Text.Json;
using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary><c>flowctl keys</c> against Azurite, checked through the app itself on the same storage.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class KeysCommandTests(AzuriteFixture azurite)
{
    private const string Secret = "flowctl-test-key-hash-secret";

    [Fact]
    public async Task AKeyCreatedByFlowctlWorksInTheAppThenMovesPlanAndIsRevoked()
    {
        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("keys"), Secret);
        var (exit, created) = await flowctl.RunAsync(null, "keys", "create", "--plan", "growth", "--name", "desk-3");
        Assert.True(exit == 0, created);
        var key = created.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("ff_", StringComparison.Ordinal));

        var settings = FlowApiFactory.AzureSettings(azurite.Account, flowctl.Prefix, functionApp: false);
        settings["Auth:KeyHashSecret"] = Secret;
        using var app = new FlowApiFactory(settings);
        using var client = app.ClientWithKey(key);
        Assert.Equal("growth", await PlanAsync(client));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/flow/summary/SPY")).StatusCode); // admitted and counted
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/flow/options/SPY/cumulative")).StatusCode);

        // A name is unique.
        var (again, refused) = await flowctl.RunAsync(null, "keys", "create", "--plan", "free", "--name", "desk-3");
        Assert.Equal(1, again);
        Assert.Contains("exists", refused, StringComparison.Ordinal);

        // list: the holder, plan, usage and last use; never the key.
        var (_, listed) = await flowctl.RunAsync(app.Clock, "keys", "list");
        var row = listed.Split('\n').Single(l => l.Contains("desk-3", StringComparison.Ordinal));
        Assert.Contains("growth", row, StringComparison.Ordinal);
        Assert.Matches(@"│\s*1\s*│\s*active", row);
        Assert.DoesNotContain("never", row, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);

        // flowctl writes the store; the app's instances hold a key lookup for Auth:KeyCacheSeconds (30), then see it.
        Assert.Equal(0, (await flowctl.RunAsync(null, "keys", "set-plan", "desk-3", "--plan", "alpha")).Exit);
        Assert.Equal("growth", await PlanAsync(client));
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("alpha", await PlanAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/flow/options/SPY/cumulative")).StatusCode);

        var id = row.Split('│', StringSplitOptions.TrimEntries)[1];
        Assert.Equal(0, (await flowctl.RunAsync(null, "keys", "revoke", id)).Exit);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        using var revoked = await client.GetAsync("/v1/account");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("revoked", (await flowctl.RunAsync(null, "keys", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MistakesAreOneLineErrors()
    {
        var flowctl = new FlowctlRunner(azurite.Account, AzuriteFixture.UniqueName("keyerr"), Secret);
        var (exit, output) = await flowctl.RunAsync(null, "keys", "create", "--plan", "platinum", "--name", "x");
        Assert.Equal((1, true), (exit, output.Contains("Unknown plan", StringComparison.Ordinal)));
        (exit, output) = await flowctl.RunAsync(null, "keys", "revoke", "nobody");
        Assert.Equal((1, true), (exit, output.Contains("No key has the id or name", StringComparison.Ordinal)));

        // Entra endpoints: a URL that is not one is a parse error naming the option; real ones parse, and storage out of
        // reach (no identity here to sign in with, or nothing listening) is one line, not a stack trace.
        (exit, output) = await flowctl.RunAsync(null, "keys", "list", "--table-endpoint", "myaccount.table.core.windows.net");
        Assert.Equal((1, true), (exit, output.Contains("--table-endpoint \"myaccount.table.core.windows.net\" is not an http or https URL", StringComparison.Ordinal)));
        var unreachable = new FlowctlRunner(null, "keyerr", Secret);
        (exit, output) = await unreachable.RunAsync(null, "keys", "list", "--table-endpoint", "https://127.0.0.1:1/account", "--blob-endpoint", "https://127.0.0.1:1/account");
        Assert.True(exit == 1 && output.StartsWith("error: Storage ", StringComparison.Ordinal), output);
    }

    private static async Task<string?> PlanAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/v1/account")).RootElement.GetProperty("plan").GetString();
}
