using System.Net;
using System.Net.Sockets;

namespace FlowFunctions.Testing;

/// <summary>
/// A TCP forwarder in front of one Azurite port, for a storage outage: <see cref="CutAsync"/> closes the listening
/// socket (new connections are refused) and resets every open connection, as an unreachable storage account would;
/// <see cref="Restore"/> listens again on the same port. Azurite itself keeps running with its data, so nothing it
/// acknowledged is lost. (Stopping Azurite 3.37 instead does not work: its table service does not finish closing while
/// clients hold keep-alive connections, and a kill would lose acknowledged writes not yet saved to disk.)
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private readonly int _target;
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private StorageProxy(int port, int target)
    {
        Port = port;
        _target = target;
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>A proxy on a free port forwarding to <paramref name="target"/> on loopback.</summary>
    public static StorageProxy Start(int target)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var proxy = new StorageProxy(((IPEndPoint)listener.LocalEndpoint).Port, target);
        proxy.Listen(listener);
        return proxy;
    }

    /// <summary>Refuses new connections and resets the open ones.</summary>
    public Task CutAsync()
    {
        lock (_lock)
        {
            _stop.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, not FIN: the connection is gone
                client.Dispose();
            }

            _open.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Listen(listener);
    }

    public async ValueTask DisposeAsync() => await CutAsync();

    private void Listen(TcpListener listener)
    {
        CancellationToken token;
        lock (_lock)
        {
            _stop = new CancellationTokenSource();
            _listener = listener;
            token = _stop.Token;
        }

        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ForwardAsync(client, token));
            }
        });
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken token)
    {
        var upstream = new TcpClient();
        lock (_lock)
        {
            if (token.IsCancellationRequested)
            {
                client.Dispose();
                upstream.Dispose();
                return;
            }

            _open.Add(client);
            _open.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _target, token);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, token), b.CopyToAsync(a, token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }
}
