using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowFunctions.Flowctl.Targets;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>Where flowctl sends its credentials: the admin key over https or to this machine, never across a redirect; an Event Hubs credential only to a namespace host or the local emulator.</summary>
public sealed class CredentialSafetyTests
{
    [Theory]
    [InlineData("https://flow.example.com", true)]
    [InlineData("http://127.0.0.1:7071", true)]
    [InlineData("http://localhost:7071", true)]
    [InlineData("http://[::1]:7071", true)]
    [InlineData("http://flow.example.com", false)]
    [InlineData("http://10.0.0.5:7071", false)]
    public void TheAdminKeyGoesOverHttpsOrToThisMachine(string url, bool allowed)
    {
        if (allowed)
        {
            Assert.Equal(new Uri(url), AppTarget.Checked(new Uri(url)));
        }
        else
        {
            var e = Assert.Throws<FlowctlException>(() => AppTarget.Checked(new Uri(url)));
            Assert.Contains("only over https", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARedirectIsAnErrorAndTheKeyNeverReachesItsTarget()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var targetPort = ((IPEndPoint)target.LocalEndpoint).Port;
        var reached = target.AcceptTcpClientAsync();

        using var redirector = new TcpListener(IPAddress.Loopback, 0);
        redirector.Start();
        var port = ((IPEndPoint)redirector.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await redirector.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[8192];
            _ = await stream.ReadAsync(buffer);
            var answer = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{targetPort}/v1/ingest/events\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        });

        await using var app = new AppTarget(new Uri($"http://127.0.0.1:{port}"), "admin-key-never-forwarded");
        var e = await Assert.ThrowsAsync<FlowctlException>(() => app.SendAsync("batch-1", [], CancellationToken.None));
        Assert.Contains("does not follow redirects", e.Message, StringComparison.Ordinal);
        await serving;
        await Task.Delay(200);
        Assert.False(reached.IsCompleted, "flowctl followed the redirect");
    }

    [Theory]
    [InlineData("my-ns.servicebus.windows.net", true)]
    [InlineData("my-ns.servicebus.chinacloudapi.cn", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("localhost:5672", true)]
    [InlineData("evil.example.com", false)]
    [InlineData("servicebus.windows.net.evil.example.com", false)]
    [InlineData(".servicebus.windows.net", false)]
    public void AnEventHubsCredentialGoesOnlyToANamespaceOrTheLocalEmulator(string host, bool allowed)
    {
        if (allowed)
        {
            EventHubsTarget.CheckNamespace(host);
        }
        else
        {
            Assert.Throws<FlowctlException>(() => EventHubsTarget.CheckNamespace(host));
        }
    }

    [Fact]
    public void AConnectionStringToAnotherHostIsRefusedWithoutEchoingIt()
    {
        const string Key = "c2VjcmV0LWtleS12YWx1ZQ==";
        var e = Assert.Throws<FlowctlException>(() => EventHubsTarget.FromConnectionString($"Endpoint=sb://evil.example.com/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=flow-events", null));
        Assert.Contains("not an Event Hubs namespace host", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.Message, StringComparison.Ordinal);
    }
}
