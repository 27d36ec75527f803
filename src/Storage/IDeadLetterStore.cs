namespace FlowFunctions.Storage;

/// <summary>One refused event: its index in the batch, why, and the event as it arrived (truncated when huge).</summary>
public sealed record DeadLetterEvent(int Index, string Reason, string Raw);

/// <summary>The refused part of one batch (SPEC §3, §6: one dead letter per rejected batch part).</summary>
public sealed record DeadLetter(string BatchId, DateTimeOffset ReceivedUtc, IReadOnlyList<DeadLetterEvent> Events);

/// <summary>Where refused events go, with their reasons, so nothing is lost silently. Thread-safe.</summary>
public interface IDeadLetterStore
{
    /// <summary>Stores a letter; a second letter for the same batch id is ignored (redelivery).</summary>
    Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken);

    /// <summary>The newest letters first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ListRecentAsync(int max, CancellationToken cancellationToken);
}
