namespace FlowFunctions.Storage;

/// <summary>One refused event: its index in the batch, why, and the event as it arrived (truncated when huge).</summary>
public sealed record DeadLetterEvent(int Index, string Reason, string Raw);

/// <summary>
/// Where a whole dead-lettered input was stored (<see cref="IDeadLetterStore.WriteWholeAsync"/>): its location in the
/// store (a blob name in the dead-letter container, or <see cref="NotKept"/>), its length and its SHA-256 in hex.
/// </summary>
public sealed record StoredContent(string Location, long Bytes, string Sha256)
{
    /// <summary>The location the memory store gives: it keeps the excerpt in the letter, not the content.</summary>
    public const string NotKept = "not kept (memory store)";
}

/// <summary>
/// The refused part of one batch (docs/api.md "Events": one dead letter per rejected batch part). <see cref="Content"/> is set
/// when the whole input was stored beside the letter (an invocation the handler will never accept).
/// </summary>
public sealed record DeadLetter(string BatchId, DateTimeOffset ReceivedUtc, IReadOnlyList<DeadLetterEvent> Events)
{
    public StoredContent? Content { get; init; }
}

/// <summary>Where refused events go, with their reasons, so nothing is lost silently. Thread-safe.</summary>
public interface IDeadLetterStore
{
    /// <summary>Longest excerpt of a whole input that a letter carries in its one event's <see cref="DeadLetterEvent.Raw"/>.</summary>
    public const int ExcerptBytes = 4_096;

    /// <summary>Stores a letter; a second letter for the same batch id is ignored (redelivery).</summary>
    Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a whole input that will never be accepted, read once from <paramref name="content"/> to its end and never
    /// held in memory whole (it may be gigabytes), and a letter for it: one event with <paramref name="reason"/> and the
    /// first <see cref="ExcerptBytes"/> bytes, and <see cref="DeadLetter.Content"/> saying where the whole input is.
    /// </summary>
    Task<DeadLetter> WriteWholeAsync(string batchId, DateTimeOffset receivedUtc, string reason, Stream content, CancellationToken cancellationToken);

    /// <summary>The newest letters first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ListRecentAsync(int max, CancellationToken cancellationToken);
}
