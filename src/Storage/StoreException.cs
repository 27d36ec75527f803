namespace FlowFunctions.Storage;

/// <summary>Why a store operation failed, independent of the backend.</summary>
public enum StoreFailure
{
    /// <summary>The backend could not be reached or answered with a server error; the caller may retry.</summary>
    Unavailable,

    /// <summary>The item already exists.</summary>
    Conflict,

    /// <summary>The item's ETag no longer matches (someone else wrote it first).</summary>
    PreconditionFailed,

    /// <summary>The item does not exist.</summary>
    NotFound,
}

/// <summary>
/// The one exception every store implementation throws, carrying what failed and, for remote stores, the status and
/// error code the service answered. The HTTP layer maps <see cref="StoreFailure.Unavailable"/> to 502
/// <c>upstream_unavailable</c>.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreFailure failure, string message, int status = 0, string? errorCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        Status = status;
        ErrorCode = errorCode;
    }

    public StoreException()
        : this(StoreFailure.Unavailable, "The store failed.")
    {
    }

    public StoreException(string message)
        : this(StoreFailure.Unavailable, message)
    {
    }

    public StoreException(string message, Exception inner)
        : this(StoreFailure.Unavailable, message, inner: inner)
    {
    }

    public StoreFailure Failure { get; }

    /// <summary>HTTP status of the backend's answer; 0 when there was none.</summary>
    public int Status { get; }

    /// <summary>The backend's error code, when it gave one.</summary>
    public string? ErrorCode { get; }

    /// <summary>For a failed entity-group transaction, the zero-based index of the operation that failed, when known.</summary>
    public int? OperationIndex { get; init; }
}
