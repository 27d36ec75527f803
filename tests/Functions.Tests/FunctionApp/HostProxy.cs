using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The Functions host's HTTP side under <c>enableProxyingHttpRequest</c>, played with the same library: YARP's
/// <see cref="IHttpForwarder"/> with its default transform, a <see cref="SocketsHttpHandler"/> that neither follows
/// redirects nor keeps cookies, a 240-second activity timeout, and the invocation id added as <c>x-ms-invocation-id</c>
/// (the host's own <c>DefaultHttpProxyService</c>). It listens on a loopback port and proxies every request to the handler.
/// </summary>
internal sealed class HostProxy : IAsyncDisposable
{
    public const string InvocationHeader = "x-ms-invocation-id";

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;

    private HostProxy(WebApplication app, HttpMessageInvoker invoker, Uri address)
    {
        _app = app;
        _invoker = invoker;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(100) };
    }

    public HttpClient Http { get; }

    public static async Task<HostProxy> StartAsync(Uri handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(240) };
        app.Map("/{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            context.Request.Headers.TryAdd(InvocationHeader, Guid.NewGuid().ToString());
            var error = await forwarder.SendAsync(context, handler.ToString(), invoker, config);
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = 502;
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new HostProxy(app, invoker, address);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        _invoker.Dispose();
    }
}
