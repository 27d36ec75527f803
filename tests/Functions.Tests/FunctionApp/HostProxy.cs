using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// The Functions host's HTTP side under <c>customHandler.enableProxyingHttpRequest</c>, played with the library the host
/// uses, as its <c>DefaultHttpProxyService</c> and <c>RetryProxyHandler</c> do (read from Azure/azure-functions-host;
/// README "Function app"):
/// <list type="bullet">
/// <item>YARP's <see cref="IHttpForwarder"/> with its default transform, over a <see cref="SocketsHttpHandler"/> that
/// neither follows redirects nor keeps cookies, and a 240-second activity timeout;</item>
/// <item>connection failures (<see cref="HttpRequestException"/> before an answer) retried up to 10 attempts, waiting
/// 50 ms and doubling to at most 250 ms between them (about 1.85 s in all); anything else is not retried;</item>
/// <item>the invocation id added as <c>x-ms-invocation-id</c>, and the host's version and invocation id headers
/// (<c>X-Azure-Functions-HostVersion</c>, <c>X-Azure-Functions-InvocationId</c>) as the custom-handler path adds
/// them;</item>
/// <item>each proxied request is one invocation, running until the whole answer has been forwarded; one that outlives
/// <see cref="HostProxyOptions.FunctionTimeout"/> makes the host restart the handler process
/// (<see cref="HostProxyOptions.RestartHandler"/>), cutting every other invocation on it.</item>
/// </list>
/// A failed forward the client has not seen an answer for becomes 502, as the host's failed invocation does.
/// </summary>
internal sealed class HostProxy : IAsyncDisposable
{
    public const string InvocationHeader = "x-ms-invocation-id";
    public const string HostVersionHeader = "X-Azure-Functions-HostVersion";
    public const string HostInvocationHeader = "X-Azure-Functions-InvocationId";

    /// <summary>A version string of the shape the host sends; the handler must not depend on its value.</summary>
    public const string HostVersion = "4.1041.200.25";

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentQueue<string> _log;

    private HostProxy(WebApplication app, HttpMessageInvoker invoker, Uri address, ConcurrentQueue<string> log, RetryingHandler retries)
    {
        _app = app;
        _invoker = invoker;
        _log = log;
        Retries = retries;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(100) };
    }

    public HttpClient Http { get; }

    /// <summary>Connection failures retried so far, and requests given up after the tenth attempt.</summary>
    public RetryingHandler Retries { get; }

    /// <summary>What the host logged: timeouts and restarts, in order.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    public static Task<HostProxy> StartAsync(Uri handler) => StartAsync(handler, new HostProxyOptions());

    public static Task<HostProxy> StartAsync(Uri handler, HostProxyOptions options) => StartAsync(handler, options, new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });

    /// <summary>As the host, over <paramref name="transport"/> instead of sockets (the retry tests fail connections on purpose).</summary>
    public static async Task<HostProxy> StartAsync(Uri handler, HostProxyOptions options, HttpMessageHandler transport)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var log = new ConcurrentQueue<string>();
        var retries = new RetryingHandler(transport);
        var invoker = new HttpMessageInvoker(retries);
        var config = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout };
        var restart = new SemaphoreSlim(1, 1);
        app.Map("/{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            var invocationId = Guid.NewGuid().ToString();
            context.Request.Headers.TryAdd(InvocationHeader, invocationId);
            context.Request.Headers.TryAdd(HostInvocationHeader, invocationId);
            context.Request.Headers.TryAdd(HostVersionHeader, HostVersion);
            var forwarding = forwarder.SendAsync(context, handler.ToString(), invoker, config).AsTask();
            if (await Task.WhenAny(forwarding, Task.Delay(options.FunctionTimeout)) != forwarding)
            {
                log.Enqueue($"Timeout value of {options.FunctionTimeout} exceeded by invocation {invocationId} ({context.Request.Path})");
                if (options.RestartHandler is { } restartHandler && await restart.WaitAsync(0))
                {
                    try
                    {
                        log.Enqueue($"A function timeout has occurred. Restarting worker process executing invocationId '{invocationId}'.");
                        await restartHandler();
                        log.Enqueue("Restart of language worker process(es) completed.");
                    }
                    finally
                    {
                        restart.Release();
                    }
                }
                else
                {
                    context.Abort();
                }
            }

            var error = await forwarding;
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = 502;
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new HostProxy(app, invoker, address, log, retries);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        _invoker.Dispose();
    }

    /// <summary>The host's <c>RetryProxyHandler</c>, played: connection failures retried, everything else passed on.</summary>
    internal sealed class RetryingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public const int MaxAttempts = 10;
        public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
        public static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(250);

        private int _retried;
        private int _givenUp;

        public int Retried => Volatile.Read(ref _retried);

        public int GivenUp => Volatile.Read(ref _givenUp);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var delay = FirstDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await base.SendAsync(request, cancellationToken);
                }
                catch (HttpRequestException) when (attempt < MaxAttempts)
                {
                    Interlocked.Increment(ref _retried);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _givenUp);
                    throw;
                }
            }
        }
    }
}

/// <summary>The host settings the play follows.</summary>
internal sealed record HostProxyOptions
{
    /// <summary>YARP's activity timeout as the host sets it: a forward silent this long in either direction is cut.</summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>host.json's <c>functionTimeout</c> (10 minutes).</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Restarts the handler process; null: the invocation that timed out is only cut (an in-process app cannot be restarted).</summary>
    public Func<Task>? RestartHandler { get; init; }
}
