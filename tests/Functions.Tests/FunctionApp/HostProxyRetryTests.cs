using System.Net;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The play of the host's <c>RetryProxyHandler</c> in <see cref="HostProxy"/>, against the app over Kestrel: a request
/// whose connection fails (as while the host restarts the handler) is sent again up to ten attempts in all and then
/// answered by the app; past ten it fails as the host's invocation does. The transport fails on purpose, so nothing here
/// depends on how fast a process starts.
/// </summary>
public sealed class HostProxyRetryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public async Task ConnectionFailuresAreRetriedUpToTenAttemptsAndTheAppAnswersOnce(int failures)
    {
        await using var app = HostProtocolTests.FunctionApp();
        app.StartOnLoopback();
        using var direct = app.CreateClient();
        var transport = new FailingTransport(failures);
        await using var proxy = await HostProxy.StartAsync(direct.BaseAddress!, new HostProxyOptions(), transport);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        request.Headers.Add("X-Api-Key", Keys.Alpha);
        using var response = await proxy.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(failures, proxy.Retries.Retried);
        Assert.Equal(failures + 1, transport.Attempts);
        Assert.Equal(0, proxy.Retries.GivenUp);
        // The host's headers reached the app, which answered as it answers without them.
        Assert.NotNull(transport.LastHostVersion);
    }

    [Fact]
    public async Task TheTenthFailedAttemptIsTheLastAndTheCallerGets502()
    {
        await using var app = HostProtocolTests.FunctionApp();
        app.StartOnLoopback();
        using var direct = app.CreateClient();
        var transport = new FailingTransport(int.MaxValue);
        await using var proxy = await HostProxy.StartAsync(direct.BaseAddress!, new HostProxyOptions(), transport);
        using var response = await proxy.Http.GetAsync("/v1/account");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(HostProxy.RetryingHandler.MaxAttempts, transport.Attempts);
        Assert.Equal(1, proxy.Retries.GivenUp);
    }

    /// <summary>Refuses the first <paramref name="failures"/> connections as a closed port does, then sends over sockets.</summary>
    private sealed class FailingTransport(int failures) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public string? LastHostVersion { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= failures)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
            }

            LastHostVersion = request.Headers.TryGetValues(HostProxy.HostVersionHeader, out var v) ? v.Single() : null;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
