namespace FlowFunctions.Functions.Streaming;

/// <summary>
/// Whether this process's own feed has caught up with the market clock. The standalone simulator backfills the
/// session from the open on start; until it is done the minute closer waits, or it would close the morning's minutes
/// before their prints arrived. True when there is no feed of its own (Event Hubs, or the simulator off). Thread-safe.
/// </summary>
public sealed class FeedStatus(bool backfilling = false)
{
    private volatile bool _backfilling = backfilling;

    public bool CaughtUp => !_backfilling;

    public void Backfilling() => _backfilling = true;

    public void Live() => _backfilling = false;
}
