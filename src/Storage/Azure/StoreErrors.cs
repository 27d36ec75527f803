using global::Azure;
using global::Azure.Data.Tables;
using global::Azure.Identity;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The one mapping from what the Azure SDKs throw to <see cref="StoreException"/>: 404, 409 and 412 by meaning; every
/// other status, throttling (429, 503 ServerBusy) once the SDK's retries are spent, a transport failure, a timeout and
/// a credential that cannot sign in as <see cref="StoreFailure.Unavailable"/>, so a read answers 502
/// <c>upstream_unavailable</c> and a batch fails for the host to deliver again. The caller's own cancellation passes
/// through as it is.
/// </summary>
internal static class StoreErrors
{
    /// <summary>Runs an SDK call, translating its failure.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Map(e, what, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Runs an SDK call that answers nothing the caller needs.</summary>
    public static Task Guard(Func<Task> call, string what, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await call();
            return true;
        }, what, cancellationToken);

    /// <summary>The store's exception for <paramref name="e"/>, or null when it is not a storage failure (the caller's cancellation, a bug).</summary>
    public static StoreException? Map(Exception e, string what, CancellationToken cancellationToken) => e switch
    {
        TableTransactionFailedException t => new StoreException(Failure(t.Status), $"{what}: operation {t.FailedTransactionActionIndex} answered {t.Status} {t.ErrorCode}", t.Status, t.ErrorCode, t)
        {
            OperationIndex = t.FailedTransactionActionIndex,
        },
        RequestFailedException r => new StoreException(Failure(r.Status), $"{what} answered {(r.Status == 0 ? "nothing" : r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} {r.ErrorCode ?? FirstLine(r.Message)}".TrimEnd(), r.Status, r.ErrorCode, r),

        // A credential with no identity to use, or a refused sign-in: storage is out of reach as configured.
        AuthenticationFailedException a => new StoreException(StoreFailure.Unavailable, $"Storage sign-in failed: {FirstLine(a.Message)}", 0, null, a),

        // The SDK's retry policy gives up on transport failures with an AggregateException of its attempts.
        AggregateException or HttpRequestException or IOException => new StoreException(StoreFailure.Unavailable, $"{what}: storage unreachable: {FirstLine(e.Message)}", 0, null, e),
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new StoreException(StoreFailure.Unavailable, $"{what}: storage timed out", 0, null, e),
        _ => null,
    };

    private static StoreFailure Failure(int status) => status switch
    {
        404 => StoreFailure.NotFound,
        409 => StoreFailure.Conflict,
        412 => StoreFailure.PreconditionFailed,
        _ => StoreFailure.Unavailable,
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
