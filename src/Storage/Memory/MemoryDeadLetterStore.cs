namespace FlowFunctions.Storage.Memory;

/// <summary>
/// Dead letters in memory: the newest <see cref="Capacity"/> letters are kept (older ones are dropped and counted in
/// <see cref="Dropped"/>), so a hostile feed cannot exhaust memory. Thread-safe.
/// </summary>
public sealed class MemoryDeadLetterStore(int capacity = 1_000) : IDeadLetterStore
{
    private readonly Lock _gate = new();
    private readonly LinkedList<DeadLetter> _letters = new();

    public int Capacity { get; } = capacity;

    public long Dropped { get; private set; }

    public Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_letters.Any(l => l.BatchId == letter.BatchId))
            {
                return Task.CompletedTask; // a redelivered batch leaves one letter, as in blob storage
            }

            _letters.AddFirst(letter);
            while (_letters.Count > Capacity)
            {
                _letters.RemoveLast();
                Dropped++;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads the input to its end and keeps only the letter (its excerpt, length and hash), not the content.</summary>
    public async Task<DeadLetter> WriteWholeAsync(string batchId, DateTimeOffset receivedUtc, string reason, Stream content, CancellationToken cancellationToken)
    {
        using var tap = new TappedStream(content, IDeadLetterStore.ExcerptBytes);
        await tap.CopyToAsync(Stream.Null, cancellationToken);
        var letter = tap.Letter(batchId, receivedUtc, reason, StoredContent.NotKept);
        await WriteAsync(letter, cancellationToken);
        return letter;
    }

    public Task<IReadOnlyList<DeadLetter>> ListRecentAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>(_letters.Take(Math.Max(0, max)).ToArray());
        }
    }
}
