using FlowFunctions.Functions.Api;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests;

/// <summary>Headers on every answer (docs/api.md "Errors"): nosniff, HSTS over https, no Server header.</summary>
public sealed class SecurityHeaderTests
{
    [Fact]
    public async Task EveryAnswerIsNosniffAndHttpsAnswersAreHsts()
    {
        using var app = new FlowApiFactory();
        using var client = app.ClientWithKey(Keys.Alpha);
        foreach (var path in new[] { "/v1/account", "/v1/nowhere", "/v1/flow/options/SPY/cumulative?minutes=0x", "/", "/health" })
        {
            using var plain = await client.GetAsync(path);
            Assert.Equal("nosniff", plain.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"), path);

            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-Proto", "https");
            using var secure = await client.SendAsync(request);
            Assert.Equal(SecurityHeaders.Hsts, secure.Headers.GetValues("Strict-Transport-Security").Single());
        }
    }

    [Fact]
    public async Task KestrelSendsNoServerHeader()
    {
        using var app = new FlowApiFactory();
        app.StartOnLoopback();
        using var client = app.ClientWithKey(Keys.Alpha);
        using var response = await client.GetAsync("/v1/account");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
