namespace FlowFunctions.Functions.Api;

/// <summary>
/// The HTTP side of every query endpoint in the <see cref="EndpointCatalog"/>, mapped from its declaration alone: the
/// route and methods, the plan (<see cref="EndpointRouteBuilderExtensions.As"/>), each parameter read from the path or
/// the query string by its kind, then the endpoint's <see cref="EndpointQuery"/>. The answer's caching and retry facts
/// become <c>Cache-Control</c> and <c>Retry-After</c>.
/// </summary>
public static class QueryRoutes
{
    public static IEndpointRouteBuilder MapQueries(this IEndpointRouteBuilder app)
    {
        foreach (var endpoint in app.ServiceProvider.GetRequiredService<EndpointCatalog>().Queries)
        {
            // Two parameters make it a route handler, not a RequestDelegate: the endpoint filters (key and plan) run and the IResult is written.
            app.MapMethods(endpoint.Path, endpoint.Methods, (HttpContext context, CancellationToken cancellationToken) => AnswerAsync(endpoint, context, cancellationToken)).As(endpoint);
        }

        return app;
    }

    private static async Task<IResult> AnswerAsync(ApiEndpoint endpoint, HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!QueryArguments.TryRead(endpoint, p => p.Source == ParameterSource.Path ? request.RouteValues[p.Name] as string : (string?)request.Query[p.Name], out var arguments, out var error))
        {
            return error!;
        }

        var answer = await endpoint.Query!(arguments, context.RequestServices, cancellationToken);
        if (answer.CacheControl is { } cacheControl)
        {
            context.Response.Headers.CacheControl = cacheControl;
        }

        if (answer.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return answer.Result.Result;
    }
}

/// <summary>
/// The endpoints this app serves: <see cref="Endpoints.All"/> and any registered as <see cref="ApiEndpoint"/> services
/// (a test's throwaway endpoint). Routing, the MCP tools, the plans and the OpenAPI document read it; the function folders are written from
/// <see cref="Endpoints.All"/> at publish.
/// </summary>
public sealed class EndpointCatalog
{
    private readonly Lazy<byte[]> _openApi;

    public EndpointCatalog(IEnumerable<ApiEndpoint> extra)
    {
        All = [.. Endpoints.All, .. extra];
        _openApi = new(() => OpenApiPaths.Compose(ServiceApi.CheckedInOpenApi(), Queries));
    }

    public IReadOnlyList<ApiEndpoint> All { get; }

    /// <summary><c>/v1/openapi.json</c>: made once, on first request.</summary>
    public byte[] OpenApiDocument => _openApi.Value;

    /// <summary>The endpoints answered by a query (their HTTP route and MCP tool come from the declaration).</summary>
    public IEnumerable<ApiEndpoint> Queries => All.Where(e => e.Query is not null);
}
