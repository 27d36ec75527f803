namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// The app target's retry loop for an HTTP send (the Event Hubs target retries through its SDK): up to <see cref="Attempts"/> tries, waiting 1, 2, 3, 4 s between them,
/// again after a network failure or an answer the caller calls transient. Answers the last response (a success, an
/// answer not worth retrying, or the last attempt's); a network failure on the last attempt is thrown.
/// </summary>
internal static class HttpRetry
{
    public const int Attempts = 5;

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, Func<CancellationToken, ValueTask<HttpRequestMessage>> request, Func<int, bool> transient, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = await request(cancellationToken);
            try
            {
                var response = await http.SendAsync(message, cancellationToken);
                if (response.IsSuccessStatusCode || !transient((int)response.StatusCode) || attempt >= Attempts)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < Attempts)
            {
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
        }
    }
}
