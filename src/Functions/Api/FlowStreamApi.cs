using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Functions.Streaming;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// The live flow stream (<see cref="Endpoints.FlowStream"/>, <c>?symbols=&amp;events=&amp;lastEventId=</c>; docs/api.md "Live flow stream"), alpha plan: the
/// live flow of 1 to 50 symbols as Server-Sent Events, resumable with <c>Last-Event-ID</c>. Everything refused is
/// refused before the stream starts, with the usual error body: a bad symbol list, event list or id (400), too many
/// open streams for the key (429).
/// </summary>
public static class FlowStreamApi
{
    public const int MaxSymbols = 50;
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>Under the Functions host a stream ends itself inside <c>functionTimeout</c> (10 minutes in host.json).</summary>
    public const int FunctionAppLifetimeSeconds = 540;

    public static IEndpointRouteBuilder MapFlowStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Endpoints.FlowStream.Path, Endpoints.FlowStream.Methods, Get).As(Endpoints.FlowStream).WithMetadata(new StreamSlotFirst());
        return app;
    }

    public static IResult Get(
        HttpContext context,
        string? symbols,
        string? events,
        string? lastEventId,
        StreamHub hub,
        StreamSlots slots,
        AppMode mode,
        IOptionsMonitor<PlansOptions> plans,
        IOptions<StreamOptions> options)
    {
        if (!TryParse(symbols, events, context.Request.Headers[LastEventIdHeader].FirstOrDefault() ?? lastEventId, out var request, out var error))
        {
            return error!;
        }

        // The slot was taken before the request was counted (ApiKeyFilter, StreamSlotFirst); a handler reached without one takes it here.
        var caller = Caller.Of(context)!;
        var slot = context.Items[StreamSlotFirst.ItemKey] as StreamSlot ?? slots.TryTake(caller.Key.Id, plans.CurrentValue.MaxStreamsOf(caller.Key.Plan));
        if (slot is null)
        {
            return StreamSlotFirst.Refused(context, caller.Key.Plan, plans.CurrentValue.MaxStreamsOf(caller.Key.Plan));
        }

        var o = options.Value;
        var lifetime = o.MaxLifetimeSeconds > 0 ? o.MaxLifetimeSeconds : mode.IsStandalone ? 0 : FunctionAppLifetimeSeconds;
        // Heartbeats, lag and lifetime are spans of real time, whatever clock the app's windows run on.
        return new StreamResult(new StreamSession(hub, request!, o, lifetime, TimeProvider.System), hub, slot);
    }

    /// <summary>The request's symbols (1 to 50, each valid, duplicates folded), kinds (default all) and resume id.</summary>
    public static bool TryParse(string? symbols, string? events, string? lastEventId, out StreamRequest? request, out IResult? error)
    {
        request = null;
        error = null;
        var names = (symbols ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            error = ApiErrors.BadParameter("symbols", symbols ?? string.Empty, $"give 1 to {MaxSymbols} symbols, comma-separated");
            return false;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!RequestValues.TrySymbol(name, out var symbol, out var bad))
            {
                error = bad;
                return false;
            }

            set.Add(symbol);
        }

        if (set.Count > MaxSymbols)
        {
            error = ApiErrors.BadParameter("symbols", symbols!, $"at most {MaxSymbols} symbols per stream, {set.Count} given");
            return false;
        }

        var kinds = new HashSet<StreamEventKind>();
        foreach (var name in (events ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!StreamEventKinds.TryParse(name, out var kind))
            {
                error = ApiErrors.BadParameter("events", events!, "a comma-separated list of minute, block and alert");
                return false;
            }

            kinds.Add(kind);
        }

        StreamPosition? resume = null;
        if (!string.IsNullOrWhiteSpace(lastEventId))
        {
            if (!StreamPosition.TryParse(lastEventId.Trim(), out var position))
            {
                error = ApiErrors.BadParameter("Last-Event-ID", lastEventId, "an id this stream sent (yyyyMMdd.page.index)");
                return false;
            }

            resume = position;
        }

        request = new StreamRequest(set, kinds.Count == 0 ? [.. StreamEventKinds.All] : kinds, resume);
        return true;
    }

    /// <summary>Runs the stream as the response: event-stream headers, no buffering, the session until it or the client ends.</summary>
    private sealed class StreamResult(StreamSession session, StreamHub hub, StreamSlot slot) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            using (slot)
            using (hub.Open())
            {
                var response = context.Response;
                response.StatusCode = 200;
                response.ContentType = "text/event-stream; charset=utf-8";
                response.Headers.CacheControl = "private, no-store";
                response.Headers["X-Accel-Buffering"] = "no";
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                try
                {
                    await session.RunAsync(response, context.RequestAborted, slot.Revoked);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    // The client went away; its last id resumes it.
                }
            }
        }
    }
}
