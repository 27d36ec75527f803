namespace FlowFunctions.Client;

/// <summary>How a <see cref="FlowFunctionsClient"/> calls the API. Set before the client is built; not changed after.</summary>
public sealed class FlowFunctionsClientOptions
{
    /// <summary>The API's address, e.g. <c>http://localhost:7071</c>. Unset: the <see cref="HttpClient.BaseAddress"/> given.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The key, sent in <c>X-Api-Key</c> (never in the address).</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Retries of one call after 429 (rate limited), 502 or 503 (storage or the front end unreachable). 0 turns retrying off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The most one call waits in all for its retries. A 429's <c>Retry-After</c> that would go past it is not waited
    /// for: the call throws at once, with <see cref="FlowFunctionsException.RetryAfter"/> set.
    /// </summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait after a 502 or 503 without <c>Retry-After</c>; it doubles at each retry.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a stream may stay silent before <see cref="FlowFunctionsClient.StreamAsync"/> takes the connection for
    /// dropped and resumes on a new one. The server sends a heartbeat after 15 s without events, so the default allows
    /// three to be missed.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(45);
}
