using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Ingest;
using FlowFunctions.Storage.Azure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// The app's storage directly, through the app's own ingest pipeline (parser, dead letters, fold, exactly-once commit
/// by batch id in lane <c>replay</c>): what the function would have written. The pipeline's clock is the wall clock,
/// so, as in the app, prints older than the longest window (7 days) are refused.
/// </summary>
public sealed class StorageTarget : IEventTarget
{
    private readonly IngestPipeline _pipeline;

    public StorageTarget(AzureStorage storage, TimeProvider time)
    {
        Identity = $"storage:{storage.TableServiceUri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{storage.Prefix}".ToLowerInvariant();
        _pipeline = new IngestPipeline(storage.CreateFlowStore(), storage.CreateDeadLetterStore(), time, PricingParameters.Default, NullLogger<IngestPipeline>.Instance);
    }

    public string Identity { get; }

    public async Task<BatchOutcome> SendAsync(string batchId, IReadOnlyList<TapeLine> batch, CancellationToken cancellationToken)
    {
        var outcome = await _pipeline.IngestAsync(TapeLine.Ndjson(batch), batchId, "replay", cancellationToken);
        var receipt = outcome.Receipt;
        return new BatchOutcome(receipt.Accepted, receipt.Rejected, [.. receipt.Errors.Select(e => (batch[e.Index].Number, e.Reason))]);
    }

    public ValueTask DisposeAsync()
    {
        _pipeline.Dispose();
        return ValueTask.CompletedTask;
    }
}
