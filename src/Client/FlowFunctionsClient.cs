using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowFunctions.Client.Models;

namespace FlowFunctions.Client;

/// <summary>
/// The API over HTTP (docs/api.md): one method per endpoint, each answer with the key's rate-limit headers, every error
/// as a <see cref="FlowFunctionsException"/>, 429 and 502/503 retried within <see cref="FlowFunctionsClientOptions"/>'s
/// bounds. Thread-safe; make one and share it (or register it with <see cref="FlowFunctionsServiceCollectionExtensions.AddFlowFunctionsClient"/>).
/// </summary>
public sealed partial class FlowFunctionsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;
    private readonly string _apiKey;
    private readonly int _maxRetries;
    private readonly TimeSpan _maxRetryWait;
    private readonly TimeSpan _backoff;
    private readonly TimeSpan _streamIdle;

    /// <summary>A client with its own <see cref="HttpClient"/>, which follows no redirect, disposed with it.</summary>
    public FlowFunctionsClient(Uri baseAddress, string apiKey)
        : this(new HttpClient(NoRedirects()), new FlowFunctionsClientOptions { BaseAddress = baseAddress, ApiKey = apiKey }) => _ownsHttp = true;

    /// <summary>
    /// A client on an <see cref="HttpClient"/> the caller owns (from <c>IHttpClientFactory</c>, say). Its handler should
    /// not follow redirects (<see cref="NoRedirects"/>; <see cref="FlowFunctionsServiceCollectionExtensions.AddFlowFunctionsClient"/>
    /// sets it up so): <c>HttpClient</c> sends custom headers, the key among them, to wherever a redirect points.
    /// </summary>
    public FlowFunctionsClient(HttpClient httpClient, FlowFunctionsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ApiKey, nameof(options.ApiKey));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, nameof(options.MaxRetries));
        _http = httpClient;
        var address = options.BaseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("Set FlowFunctionsClientOptions.BaseAddress or the HttpClient's BaseAddress.", nameof(options));
        _base = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        if (_base.Scheme != Uri.UriSchemeHttps && !(_base.Scheme == Uri.UriSchemeHttp && _base.IsLoopback))
        {
            throw new ArgumentException($"The key is sent only over https, or over http to this machine (localhost): {_base}", nameof(options));
        }

        _apiKey = options.ApiKey;
        _maxRetries = options.MaxRetries;
        _maxRetryWait = options.MaxRetryWait;
        _backoff = options.RetryBackoff;
        _streamIdle = options.StreamIdleTimeout;
    }

    /// <summary>Flow anomaly (growth plan): whether one-sided flow in <paramref name="symbol"/> is a trade, and its spread.</summary>
    /// <param name="expiry">Only this expiry's contracts; null for all.</param>
    /// <param name="at">The answer as of this past instant (docs/api.md "History"); null for now.</param>
    public Task<ApiResponse<FlowAnomaly>> GetFlowAnomalyAsync(string symbol, DateOnly? expiry = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        GetAsync($"v1/strategies/flow-anomaly/{Path(symbol)}{Query(("expiry", Date(expiry)), ("at", Instant(at)))}", FlowFunctionsJsonContext.Default.FlowAnomaly, cancellationToken);

    /// <summary>Flow summary (growth plan): whether today's flow amplifies or dampens dealer gamma.</summary>
    /// <param name="expiry">Only this expiry's contracts; null for all.</param>
    /// <param name="at">The answer as of this past instant (docs/api.md "History"); null for now.</param>
    public Task<ApiResponse<FlowSummary>> GetFlowSummaryAsync(string symbol, DateOnly? expiry = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        GetAsync($"v1/flow/summary/{Path(symbol)}{Query(("expiry", Date(expiry)), ("at", Instant(at)))}", FlowFunctionsJsonContext.Default.FlowSummary, cancellationToken);

    /// <summary>Cumulative net flow (alpha plan): net contracts per minute and their running sum.</summary>
    /// <param name="minutes">The window, 1–10,080 (clamped by the server); null for 240.</param>
    /// <param name="at">The answer as of this past instant (docs/api.md "History"); null for now.</param>
    public Task<ApiResponse<CumulativeFlow>> GetCumulativeFlowAsync(string symbol, int? minutes = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        GetAsync($"v1/flow/options/{Path(symbol)}/cumulative{Query(("minutes", Number(minutes)), ("at", Instant(at)))}", FlowFunctionsJsonContext.Default.CumulativeFlow, cancellationToken);

    /// <summary>0DTE strike flow (alpha plan): today's expiry by strike and minute.</summary>
    /// <param name="minutes">The window, 1–390 (clamped by the server); null for 60.</param>
    /// <param name="bar">The bar size; only <c>1m</c> is served (null sends none).</param>
    /// <param name="at">The answer as of this past instant (docs/api.md "History"); null for now.</param>
    public Task<ApiResponse<StrikeFlow>> GetStrikeFlowAsync(string symbol, int? minutes = null, string? bar = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        GetAsync($"v1/flow/zero-dte/strike-flow/{Path(symbol)}{Query(("bar", bar), ("minutes", Number(minutes)), ("at", Instant(at)))}", FlowFunctionsJsonContext.Default.StrikeFlow, cancellationToken);

    /// <summary>The leaderboard (alpha plan): top buyers and sellers by net premium, from 30-second snapshots.</summary>
    /// <param name="n">Rows per side, 1–50; null for 10.</param>
    /// <param name="windowMinutes">The window, 1–10,080; null for 240.</param>
    /// <param name="at">The board as of this past instant (docs/api.md "History"); null for now.</param>
    public Task<ApiResponse<Leaderboard>> GetLeaderboardAsync(int? n = null, int? windowMinutes = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        GetAsync($"v1/flow/options/leaderboard{Query(("n", Number(n)), ("windowMinutes", Number(windowMinutes)), ("at", Instant(at)))}", FlowFunctionsJsonContext.Default.Leaderboard, cancellationToken);

    /// <summary>The key's plan and quota (any plan; not counted).</summary>
    public Task<ApiResponse<Account>> GetAccountAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v1/account", FlowFunctionsJsonContext.Default.Account, cancellationToken);

    /// <summary>A handler that follows no redirect: the client answers a 3xx with <see cref="FlowFunctionsException"/> (<c>redirect_refused</c>), never sending the key to another address.</summary>
    public static HttpMessageHandler NoRedirects() => new SocketsHttpHandler { AllowAutoRedirect = false };

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<ApiResponse<T>> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(pathAndQuery, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var value = await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new FlowFunctionsException((int)response.StatusCode, "empty_body", "The answer had no body.");
        return new ApiResponse<T>(value, RateLimit.From(response.Headers));
    }

    /// <summary>One GET with the key, retried on 429, 502 and 503 within the options' bounds; a success, or the error thrown.</summary>
    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, string? lastEventId, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, pathAndQuery));
            request.Headers.TryAddWithoutValidation("X-Api-Key", _apiKey);
            if (lastEventId is not null)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            }

            var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var error = await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
                var wait = RetryWait(response, attempt);
                if (wait is not { } delay || attempt >= _maxRetries || waited + delay > _maxRetryWait)
                {
                    throw error;
                }

                waited += delay;
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long to wait before retrying this answer; null when it is not one to retry.</summary>
    private TimeSpan? RetryWait(HttpResponseMessage response, int attempt)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var until = date - DateTimeOffset.UtcNow;
            return until > TimeSpan.Zero ? until : TimeSpan.Zero;
        }

        return _backoff * Math.Pow(2, attempt);
    }

    private static async Task<FlowFunctionsException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.Delta;
        var rateLimit = RateLimit.From(response.Headers);
        ErrorBody? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync(FlowFunctionsJsonContext.Default.ErrorBody, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // Not the API's body (a proxy's or the front end's page): the status says what there is to say.
        }

        if (status is >= 300 and < 400)
        {
            return new FlowFunctionsException(status, "redirect_refused",
                $"The server answered {status} with a redirect to {response.Headers.Location}; the client does not follow redirects, so the key is never sent to another address. Use that address as the BaseAddress if you trust it.");
        }

        return body?.Error is { } code
            ? new FlowFunctionsException(status, code, body.Message ?? code, body.CurrentPlan, body.RequiredPlan, retryAfter, rateLimit)
            : new FlowFunctionsException(status, $"http_{status}", $"The server answered {status} {response.ReasonPhrase}.", retryAfter: retryAfter, rateLimit: rateLimit);
    }

    private static string Path(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return Uri.EscapeDataString(symbol.Trim());
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>An instant in UTC to the tick, e.g. <c>2026-06-05T18:31:00.2500000Z</c> (no <c>+</c> to escape).</summary>
    private static string? Instant(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? string.Empty : "?" + string.Join('&', given);
    }
}
