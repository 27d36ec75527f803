using System.Diagnostics.Metrics;

namespace FlowFunctions.Ingest;

/// <summary>
/// What an operator watches on the ingest path, as OpenTelemetry metrics on the meter <see cref="MeterName"/> (the app
/// exports them to Application Insights or OTLP, README "Telemetry"): prints folded, events dead-lettered, batch
/// latency and redeliveries, each tagged with the lane the batch came through. No tag carries a batch id, a key or
/// anything a caller sent.
/// </summary>
public static class IngestMetrics
{
    public const string MeterName = "FlowFunctions.Ingest";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Prints = Meter.CreateCounter<long>(
        "flowfunctions.ingest.prints", "{print}", "Prints folded into the aggregates, per committed batch.");

    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "flowfunctions.ingest.dead_lettered", "{event}", "Events refused and written to the dead-letter container.");

    /// <summary>Host invocations the handler will never accept (tag <c>flowfunctions.reason</c>: <c>size</c> or <c>shape</c>), stored whole.</summary>
    public static readonly Counter<long> InvocationsDeadLettered = Meter.CreateCounter<long>(
        "flowfunctions.ingest.invocations_dead_lettered", "{invocation}", "Host invocations dead-lettered whole, unread, because no delivery of them could ever succeed.");

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "flowfunctions.ingest.batch.duration", "s", "Time to parse, fold and commit one batch, storage included.");

    internal static readonly Counter<long> Redeliveries = Meter.CreateCounter<long>(
        "flowfunctions.ingest.redeliveries", "{batch}", "Batches that arrived again after they were committed (answered from the receipt).");

    internal static readonly Counter<long> DuplicatePrints = Meter.CreateCounter<long>(
        "flowfunctions.ingest.duplicate_prints", "{print}", "Prints dropped because a print with the same underlying, minute and id was counted already (docs/api.md \"Exactly once per print\").");

    internal static readonly Counter<long> Revisions = Meter.CreateCounter<long>(
        "flowfunctions.stream.revisions", "{event}", "Revised final minute events journaled because a late print or a cancel changed a closed minute.");

    internal static readonly Counter<long> Cancels = Meter.CreateCounter<long>(
        "flowfunctions.ingest.cancels", "{cancel}", "Cancels that took their print out of the aggregates.");

    internal static readonly Counter<long> CancelsUnmatched = Meter.CreateCounter<long>(
        "flowfunctions.ingest.cancels_unmatched", "{cancel}", "Cancels that named no print the store holds; they changed nothing.");

    internal static KeyValuePair<string, object?> Lane(string lane) => new("flowfunctions.lane", lane);
}
