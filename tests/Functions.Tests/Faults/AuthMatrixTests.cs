using System.Net;
using System.Text;
using System.Text.Json;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Keys;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// Every plan × every <c>/v1</c> endpoint × the key in the header, in the query, missing, revoked or malformed, on the
/// app on Azurite (where every request reads its key from storage): exactly the status and body of docs/api.md "Keys, plans and quotas", the rate-limit
/// headers on every authenticated answer and on no other, and no key in any log line at any level.
/// </summary>
public sealed class AuthMatrixTests(AzuriteFixture azurite, ITestOutputHelper output) : SharedAzuriteFaultTest(azurite, output)
{
    private sealed record Endpoint(string Name, HttpMethod Method, string Path, string? Required, bool Admin = false);

    // Every query endpoint as declared (Api/Endpoints.cs), with its plan, then the account and the ingest endpoint.
    private static readonly Endpoint[] Endpoints =
    [
        .. Api.Endpoints.All.Where(e => e.Query is not null).Select(e => new Endpoint(e.Name, HttpMethod.Get, e.Url("SPY"), e.Plan.Name())),
        new("account", HttpMethod.Get, Api.Endpoints.Account.Path, null),
        new("ingest", HttpMethod.Post, Api.Endpoints.IngestEvents.Path, null, Admin: true),
    ];

    private static readonly string[] Plans = ["free", "basic", "growth", "alpha", "admin"];

    private static readonly string[] Modes = ["header", "query", "missing", "revoked", "malformed-header", "malformed-query"];

    [Fact]
    public async Task EveryPlanEndpointAndKeyPlacementAnswersExactlyTheSpec()
    {
        // Every category at Trace, ASP.NET Core's request logging included, as an operator chasing a problem might set it.
        var settings = FlowApiFactory.AzureSettings(Azurite.Account, AzuriteFixture.UniqueName("auth"), functionApp: false);
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
        using var app = new FlowApiFactory(settings);
        await app.IngestAsync(HandTapes.Bullish());
        using var client = app.CreateClient();

        // A revoked key per plan: used once (so its answers and its key record are warm), then revoked.
        var store = app.Services.GetRequiredService<IApiKeyStore>();
        var hasher = app.Services.GetRequiredService<ApiKeyHasher>();
        var revoked = new Dictionary<string, string>();
        foreach (var plan in Plans)
        {
            var key = ApiKeyHasher.NewKey();
            var digest = hasher.Digest(key);
            var record = await store.CreateAsync(new ApiKeyRecord(digest.Id, digest.Hash, "matrix " + plan, PlanOf(plan), plan == "admin", app.Clock.Now), default);
            using (var warm = await SendAsync(client, Endpoints[5], key, "header"))
            {
                Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            }

            await store.ReplaceAsync(record with { RevokedUtc = app.Clock.Now }, record.ETag, default);
            revoked[plan] = key;
        }

        var cases = 0;
        foreach (var plan in Plans)
        {
            var valid = plan == "admin" ? Keys.Admin : Keys.ForPlan(plan);
            foreach (var endpoint in Endpoints)
            {
                foreach (var mode in Modes)
                {
                    var key = mode switch
                    {
                        "revoked" => revoked[plan],
                        "malformed-header" => valid + " " + valid,
                        "malformed-query" => valid + "\u00e9",
                        _ => valid,
                    };
                    using var response = await SendAsync(client, endpoint, key, mode);
                    var what = $"{plan} {endpoint.Name} {mode}";
                    await AssertAnswerAsync(response, plan, endpoint, mode, what);
                    cases++;
                }
            }
        }

        // Keys never appear in logs: not the valid ones, not the revoked ones, not the malformed ones.
        var secrets = Keys.All.Concat(revoked.Values).ToArray();
        var lines = app.Logs.Lines.ToArray();
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal) || l.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
            Assert.True(leak is null, $"a key appears in the logs: {leak}");
        }

        Output.WriteLine($"{cases} cases; {lines.Length} log lines searched for {secrets.Length} keys");
        Assert.Equal(Plans.Length * Endpoints.Length * Modes.Length, cases);
    }

    private static Plan PlanOf(string plan) => plan switch
    {
        "free" => Plan.Free,
        "basic" => Plan.Basic,
        "growth" => Plan.Growth,
        _ => Plan.Alpha,
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Endpoint endpoint, string key, string mode)
    {
        var path = endpoint.Path;
        if (mode is "query" or "malformed-query")
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "apiKey=" + Uri.EscapeDataString(key);
        }

        using var request = new HttpRequestMessage(endpoint.Method, path);
        if (mode is "header" or "revoked" or "malformed-header")
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        if (endpoint.Method == HttpMethod.Post)
        {
            request.Content = new StringContent("[]", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private static async Task AssertAnswerAsync(HttpResponseMessage response, string plan, Endpoint endpoint, string mode, string what)
    {
        if (mode is "missing" or "revoked" or "malformed-header" or "malformed-query")
        {
            var text = await ErrorAssert.IsAsync(response, 401, "unauthorized");
            var message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;
            var expected = mode switch
            {
                "missing" => "Missing API key",
                "revoked" => "revoked",
                _ => "Malformed API key",
            };
            Assert.True(message.Contains(expected, StringComparison.Ordinal), $"{what}: {text}");
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"), $"{what}: rate-limit headers on an unauthenticated answer");
            return;
        }

        foreach (var header in new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset" })
        {
            Assert.True(response.Headers.Contains(header), $"{what}: no {header}");
        }

        var admin = plan == "admin";
        if (endpoint.Admin && !admin)
        {
            await ErrorAssert.IsAsync(response, 403, "admin_required");
            return;
        }

        var rank = Array.IndexOf(Plans, admin ? "alpha" : plan);
        if (endpoint.Required is { } required && rank < Array.IndexOf(Plans, required))
        {
            var text = await ErrorAssert.IsAsync(response, 403, "tier_restricted");
            var body = JsonDocument.Parse(text).RootElement;
            Assert.Equal(admin ? "alpha" : plan, body.GetProperty("current_plan").GetString());
            Assert.Equal(required, body.GetProperty("required_plan").GetString());
            return;
        }

        var ok = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {ok}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(ok).RootElement;
        if (endpoint.Name == "account")
        {
            Assert.Equal(admin ? "alpha" : plan, root.GetProperty("plan").GetString());
            Assert.Equal(admin, root.GetProperty("admin").GetBoolean());
        }
        else if (endpoint.Name == "ingest")
        {
            Assert.Equal(0, root.GetProperty("accepted").GetInt32());
        }
    }
}
