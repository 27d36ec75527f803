using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Time;
using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Retention of the aggregate store, in one place on one schedule (docs/storage.md, "Pruning"): at most once an hour
/// per instance, rows whose <c>Until</c> has passed (the retention is in each row's <c>Until</c>, <see cref="FlowRows"/>),
/// receipts older than a day, and chain blobs of trading dates before the last weekday before today (that one's chain is
/// today's open baseline; a read as of a past instant rebuilds chains from the chain-event rows, <see cref="HistoryRows"/>).
/// Spot rows carry no end and are never pruned. Thread-safe.
/// </summary>
internal sealed class FlowRetention(StoreTable flow, StoreTable receipts, ChainBlobs chains)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <summary>Prunes when an hour of <paramref name="now"/> has passed since the last run here (the timer calls it every 30 s).</summary>
    public async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (now - _last < Interval && now >= _last)
            {
                return;
            }

            _last = now;
        }

        var nowMinute = MinuteBucket.Of(now);
        for (var shard = 0; shard < FlowRows.Shards; shard++)
        {
            await DeleteAllAsync(flow, $"PartitionKey eq {FlowRows.Partition(shard)} and Until lt {nowMinute}", cancellationToken);
        }

        await DeleteAllAsync(receipts, BatchClaims.StaleFilter(now), cancellationToken);
        await chains.PruneAsync(NewYorkTime.FirstRetainedDate(NewYorkTime.TradingDate(now), 2), cancellationToken);
    }

    /// <summary>Deletes every entity the filter finds, in transactions of up to 100 per partition.</summary>
    private static async Task DeleteAllAsync(StoreTable table, FormattableString filter, CancellationToken cancellationToken)
    {
        var batch = new List<TableTransactionAction>();
        string? partition = null;
        await foreach (var entity in table.QueryAllAsync(filter, ["PartitionKey", "RowKey"], cancellationToken))
        {
            if (batch.Count == StoreTable.MaxTransactionSize || (partition is not null && entity.PartitionKey != partition))
            {
                await DeleteBatchAsync(table, batch, cancellationToken);
            }

            partition = entity.PartitionKey;
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(entity.PartitionKey, entity.RowKey), ETag.All));
        }

        await DeleteBatchAsync(table, batch, cancellationToken);
    }

    private static async Task DeleteBatchAsync(StoreTable table, List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await table.SubmitTransactionAsync(batch, cancellationToken);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.NotFound)
        {
            // Another instance pruned some of these first; delete the rest one by one (a missing one is no error).
            foreach (var action in batch)
            {
                await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, "*", cancellationToken);
            }
        }

        batch.Clear();
    }
}
