using FlowFunctions.Analytics.Flow;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowFunctions.Functions.Api;

/// <summary>Where a parameter is read from in an HTTP request.</summary>
public enum ParameterSource
{
    Path,
    Query,
}

/// <summary>
/// What a parameter holds, which decides how it is read and refused (docs/api.md "Parameters"): each kind has one rule and
/// one error, whatever endpoint declares it.
/// </summary>
public enum ParameterKind
{
    /// <summary>An underlying's ticker, normalized; refused with <c>invalid_symbol</c>.</summary>
    Symbol,

    /// <summary>A whole number clamped to [1, maximum], the default when absent; refused with <c>invalid_parameter</c> when not a whole number.</summary>
    WholeNumber,

    /// <summary>A date as yyyy-MM-dd, null when absent; refused with <c>invalid_expiry</c>.</summary>
    Date,

    /// <summary>A bar width; only <c>1m</c> is served, anything else is <c>bar_unavailable</c>.</summary>
    Bar,

    /// <summary>An ISO 8601 instant with an offset, null when absent; refused with <c>invalid_at</c> (docs/api.md "History").</summary>
    Instant,
}

/// <summary>
/// One parameter of a query endpoint: its name on the wire (path segment or query key, and the MCP tool's argument), its
/// kind, what it means, and for whole numbers the default and the largest value. <see cref="InTool"/> false keeps it out
/// of the MCP tool (a parameter with one possible value).
/// </summary>
public sealed record EndpointParameter(
    string Name,
    ParameterSource Source,
    ParameterKind Kind,
    string Description,
    int Default = 0,
    int Maximum = 0,
    bool InTool = true)
{
    public bool Required => Source == ParameterSource.Path;

    /// <summary>
    /// The parameter's meaning with its kind's rule, as the MCP tool and the OpenAPI document both state it: for a whole
    /// number the clamp and the default; for the others the description alone.
    /// </summary>
    public string Documentation => Kind == ParameterKind.WholeNumber
        ? $"{Description} Clamped to 1..{Maximum}: larger values give {Maximum}, zero or negative give 1; default {Default}."
        : Description;

    /// <summary>Reads <paramref name="raw"/> (null when absent) by the kind's rule, or the error to answer.</summary>
    public bool TryRead(string? raw, out object? value, out JsonHttpResult<ApiError>? error)
    {
        value = null;
        error = null;
        switch (Kind)
        {
            case ParameterKind.Symbol:
                var ok = RequestValues.TrySymbol(raw ?? string.Empty, out var symbol, out error);
                value = symbol;
                return ok;
            case ParameterKind.WholeNumber:
                ok = RequestValues.TryClampedInt(raw, Name, Default, Maximum, out var number, out error);
                value = number;
                return ok;
            case ParameterKind.Date:
                ok = RequestValues.TryExpiry(raw, out var date, out error);
                value = date;
                return ok;
            case ParameterKind.Instant:
                ok = RequestValues.TryInstant(raw, out var instant, out error);
                value = instant;
                return ok;
            case ParameterKind.Bar:
                value = StrikeFlow.OneMinute;
                error = raw is not null && raw.Trim() != StrikeFlow.OneMinute ? ApiErrors.BadBar(raw) : null;
                return error is null;
            default:
                throw new InvalidOperationException($"Unknown parameter kind {Kind}.");
        }
    }
}

/// <summary>The MCP tool that answers an endpoint (docs/api.md "MCP server"): its name, title and the prose an agent reads.</summary>
public sealed record EndpointTool(string Name, string Title, string Description);

/// <summary>
/// How the OpenAPI document describes an endpoint (Api/OpenApiPaths.cs): a one-line summary, what it answers (the plan
/// sentence is added), the component schema of its 200 body, and whether it can answer 404 <c>symbol_not_found</c>.
/// </summary>
public sealed record EndpointDoc(string Summary, string Description, string ResponseSchema, bool MayBeNotFound = false);

/// <summary>A query's arguments, read and validated by their declarations, in declaration order.</summary>
public sealed class QueryArguments
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads every parameter of <paramref name="endpoint"/> from <paramref name="raw"/> (a parameter's text, null when
    /// absent) in declaration order; the first refusal is the answer.
    /// </summary>
    public static bool TryRead(ApiEndpoint endpoint, Func<EndpointParameter, string?> raw, out QueryArguments arguments, out JsonHttpResult<ApiError>? error)
    {
        arguments = new QueryArguments();
        error = null;
        foreach (var parameter in endpoint.Parameters)
        {
            if (!parameter.TryRead(raw(parameter), out var value, out error))
            {
                return false;
            }

            arguments._values[parameter.Name] = value;
        }

        return true;
    }

    public string Symbol(string name = "symbol") => (string)_values[name]!;

    public int Number(string name) => (int)_values[name]!;

    public DateOnly? Date(string name) => (DateOnly?)_values[name];

    public DateTimeOffset? Instant(string name) => (DateTimeOffset?)_values[name];
}

/// <summary>
/// What a query answers, whatever carries it (HTTP, MCP): the body or the error, and the facts a transport may pass on:
/// how long the answer stays fresh (<c>Cache-Control</c>, null for the API's default) and when to retry a refusal.
/// </summary>
public sealed record QueryAnswer(Results<CachedJson, JsonHttpResult<ApiError>> Result, string? CacheControl = null, long? RetryAfterSeconds = null)
{
    // The primary constructor by name: a bare new(json) would bind the record's copy constructor through this operator.
    public static implicit operator QueryAnswer(CachedJson json) => new(Result: json);
}

/// <summary>Answers an endpoint from its validated arguments, with the app's services; no HTTP in or out.</summary>
public delegate Task<QueryAnswer> EndpointQuery(QueryArguments arguments, IServiceProvider services, CancellationToken cancellationToken);
