using FlowFunctions.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// Errors raised outside an endpoint's typed results get the same body: unmatched routes and methods (404, 405), a
/// storage outage (502 <c>upstream_unavailable</c>), a request the server refused to read (its own status), and any
/// bug (500 <c>internal_error</c>, logged with its stack trace, never sent).
/// </summary>
public static partial class ErrorResponses
{
    public static WebApplication UseApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleExceptionAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            404 => ApiErrors.WriteAsync(context.HttpContext, 404, ApiErrors.NotFound, "No such endpoint; see /v1/openapi.json."),
            405 => ApiErrors.WriteAsync(context.HttpContext, 405, ApiErrors.MethodNotAllowed, "This endpoint does not accept that method."),
            413 => ApiErrors.WriteAsync(context.HttpContext, 413, ApiErrors.PayloadTooLarge, "The request body is too large."),
            var s when s >= 500 => ApiErrors.WriteAsync(context.HttpContext, s, ApiErrors.InternalError, "The server could not answer this request."),
            var s => ApiErrors.WriteAsync(context.HttpContext, s, ApiErrors.InvalidParameter, "The request could not be understood."),
        });
        return app;
    }

    private static Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorResponses).FullName!);
        switch (exception)
        {
            case StoreException { Failure: StoreFailure.Unavailable } store:
                LogUpstream(logger, store.Status, store.ErrorCode, store);
                return ApiErrors.WriteAsync(context, 502, ApiErrors.UpstreamUnavailable, "The flow data store is unreachable; retry shortly.");
            case BadHttpRequestException bad:
                return bad.StatusCode == 413
                    ? ApiErrors.WriteAsync(context, 413, ApiErrors.PayloadTooLarge, "The request body is too large.")
                    : ApiErrors.WriteAsync(context, bad.StatusCode, ApiErrors.InvalidParameter, "The request could not be read.");
            default:
                LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
                return ApiErrors.WriteAsync(context, 500, ApiErrors.InternalError, "An unexpected error occurred; it has been logged.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable (status {Status}, code {ErrorCode})")]
    private static partial void LogUpstream(ILogger logger, int status, string? errorCode, Exception exception);

    // The path only, never the query string: it may carry an apiKey.
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception? exception);
}
