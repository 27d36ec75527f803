namespace FlowFunctions.Functions.Api;

/// <summary>
/// Headers on every answer (docs/api.md "Errors"): <c>X-Content-Type-Options: nosniff</c>, so no browser
/// reads a JSON answer as a script or a page; <c>Strict-Transport-Security</c> when the request came over https
/// (directly, or through a front end that says so in <c>X-Forwarded-Proto</c>); and no <c>Server</c> header (Kestrel's
/// is turned off in <see cref="Hosting.FlowFunctionsSetup"/>).
/// </summary>
public static class SecurityHeaders
{
    public const string Hsts = "max-age=31536000; includeSubDomains";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.Remove("Server");
                if (http.Request.IsHttps || string.Equals(http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase))
                {
                    headers.StrictTransportSecurity = Hsts;
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
