namespace FlowFunctions.Functions.Ingest;

/// <summary>The <c>Ingest</c> configuration section: how much one request or one host invocation may carry.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest body <c>POST /v1/ingest/events</c> accepts (standalone); larger is 413.</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Largest Event Hubs invocation the trigger holds in memory and folds (64 MiB); a larger one is dead-lettered
    /// whole, streamed (README, "Event Hubs batch size").
    /// </summary>
    public int MaxInvocationBytes { get; set; } = 64 * 1024 * 1024;
}
