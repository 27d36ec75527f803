using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>What a target did with one batch: events it accepted, and its refusals by line number (up to 20 named).</summary>
public sealed record BatchOutcome(int Accepted, int Rejected, IReadOnlyList<(long Line, string Reason)> Errors);

/// <summary>
/// Where replayed or simulated events go: a running app's ingest endpoint, the app's storage directly (the same
/// parser and fold as the function), or an Event Hub. <see cref="SendAsync"/> returns once the batch is durable at
/// the target; its batch id names it so that sending it again after an interruption counts nothing twice
/// where the target can tell (the app and storage can; an Event Hub cannot, see README).
/// </summary>
public interface IEventTarget : IAsyncDisposable
{
    /// <summary>Names the target in checkpoints: a resumed replay must go to the same place.</summary>
    string Identity { get; }

    Task<BatchOutcome> SendAsync(string batchId, IReadOnlyList<TapeLine> batch, CancellationToken cancellationToken);
}
