namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Creates a store's tables or containers once, on first use. A failed attempt (storage unreachable) is forgotten,
/// so the next call tries again instead of failing forever. Thread-safe.
/// </summary>
internal sealed class StorageReady(Func<CancellationToken, Task> create)
{
    private readonly Lock _lock = new();
    private Task? _task;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_task is null || _task.IsFaulted || _task.IsCanceled)
            {
                // Not tied to one caller's token: a cancelled request must not cancel creation for the others.
                _task = create(CancellationToken.None);
            }

            return _task.WaitAsync(cancellationToken);
        }
    }
}
