using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Client.Tests;

/// <summary>
/// The key never leaves for another address (docs/api.md "Clients"): the .NET client follows no redirect, through its
/// own HttpClient and through AddFlowFunctionsClient, and takes plain http only to this machine.
/// </summary>
public sealed class RedirectTests
{
    [Fact]
    public async Task ARedirectIsRefusedAndTheKeyGoesNowhereElse()
    {
        await using var elsewhere = await Recorder.StartAsync(IPAddress.Parse("127.0.0.2"), redirectTo: null);
        await using var origin = await Recorder.StartAsync(IPAddress.Loopback, redirectTo: elsewhere.Address);

        using var own = new FlowFunctionsClient(origin.Address, "secret-key");
        var refused = await Assert.ThrowsAsync<FlowFunctionsException>(() => own.GetAccountAsync());
        Assert.Equal((302, "redirect_refused"), (refused.Status, refused.ErrorCode));

        var services = new ServiceCollection();
        services.AddFlowFunctionsClient(o => (o.BaseAddress, o.ApiKey) = (origin.Address, "secret-key"));
        await using var provider = services.BuildServiceProvider();
        var registered = provider.GetRequiredService<FlowFunctionsClient>();
        Assert.Equal("redirect_refused", (await Assert.ThrowsAsync<FlowFunctionsException>(() => registered.GetAccountAsync())).ErrorCode);

        Assert.Equal(["secret-key", "secret-key"], origin.Keys);
        Assert.Empty(elsewhere.Keys);
    }

    [Theory]
    [InlineData("http://api.example.com", false)]
    [InlineData("http://10.0.0.5:7071", false)]
    [InlineData("https://api.example.com", true)]
    [InlineData("http://localhost:7071", true)]
    [InlineData("http://127.0.0.1:7071", true)]
    public void PlainHttpIsTakenOnlyToThisMachine(string address, bool taken)
    {
        if (taken)
        {
            using var client = new FlowFunctionsClient(new Uri(address), "k");
        }
        else
        {
            Assert.Throws<ArgumentException>(() => new FlowFunctionsClient(new Uri(address), "k"));
        }
    }

    /// <summary>A one-route HTTP server on a socket that records the key of each request and answers 302 or 200.</summary>
    private sealed class Recorder : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private Recorder(TcpListener listener, Uri? redirectTo)
        {
            _listener = listener;
            Address = new Uri($"http://{((IPEndPoint)listener.LocalEndpoint).Address}:{((IPEndPoint)listener.LocalEndpoint).Port}/");
            _loop = Task.Run(() => ServeAsync(redirectTo));
        }

        public Uri Address { get; }

        public List<string> Keys { get; } = [];

        public static Task<Recorder> StartAsync(IPAddress address, Uri? redirectTo)
        {
            var listener = new TcpListener(address, 0);
            listener.Start();
            return Task.FromResult(new Recorder(listener, redirectTo));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task ServeAsync(Uri? redirectTo)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = socket.GetStream();
                using var reader = new StreamReader(stream, leaveOpen: true);
                var path = (await reader.ReadLineAsync())?.Split(' ')[1] ?? "/";
                string? line;
                while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
                {
                    if (line.StartsWith("X-Api-Key:", StringComparison.OrdinalIgnoreCase))
                    {
                        lock (Keys)
                        {
                            Keys.Add(line["X-Api-Key:".Length..].Trim());
                        }
                    }
                }

                var answer = redirectTo is null
                    ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                    : $"HTTP/1.1 302 Found\r\nLocation: {new Uri(redirectTo, path.TrimStart('/'))}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer), _stop.Token);
            }
        }
    }
}
