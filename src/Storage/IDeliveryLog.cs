namespace FlowFunctions.Storage;

/// <summary>
/// One range of an Event Hubs partition taken as one batch: sequence numbers <see cref="First"/> to <see cref="Last"/>.
/// A claim carries the batch's messages (<see cref="Payload"/>, one <see cref="Messages"/> range each) until it is
/// <see cref="Done"/>, so that whoever finds an unfinished claim commits exactly that batch again, whatever the
/// boundaries of the delivery in hand. A pointer (<see cref="Owner"/> set) says only that its range belongs to the
/// claim starting at <see cref="Owner"/>; it is written after that claim is done.
/// </summary>
public sealed record DeliveryClaim(long First, long Last, long? Owner, bool Done, ReadOnlyMemory<byte> Payload, Range[] Messages, DateTimeOffset ClaimedUtc)
{
    public bool IsPointer => Owner is not null;

    /// <summary>The same claim, finished: its messages are no longer needed.</summary>
    public DeliveryClaim AsDone() => this with { Done = true, Payload = ReadOnlyMemory<byte>.Empty, Messages = [] };
}

/// <summary>
/// Which sequence ranges of each Event Hubs partition were taken as which batch, so that a redelivery with other
/// boundaries (a host restarted from its last checkpoint hands out batches of whatever size is at hand) neither counts
/// an event twice nor loses one. A stream is one partition of one hub in one consumer group. Thread-safe.
/// </summary>
public interface IDeliveryLog
{
    /// <summary>The claim or pointer starting exactly at <paramref name="first"/>, or null.</summary>
    Task<DeliveryClaim?> FindAsync(string stream, long first, CancellationToken cancellationToken);

    /// <summary>Records a claim unless one starts at the same sequence number already; returns the one that holds.</summary>
    Task<DeliveryClaim> AddAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken);

    /// <summary>Marks a claim done and drops its messages.</summary>
    Task MarkDoneAsync(string stream, DeliveryClaim claim, CancellationToken cancellationToken);

    /// <summary>Forgets claims made before <paramref name="olderThan"/>. Returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
