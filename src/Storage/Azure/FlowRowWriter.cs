using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Writes a batch's row changes to the <c>flow</c> table (docs/storage.md, "Exactly once", steps 3 and 4): per
/// partition, entity-group transactions built from the cached state of each row, each row merged under its ETag (or
/// inserted when not known to exist) with the batch's tag appended to its history; a row whose history holds the tag
/// already is skipped. A transaction that meets a changed row (412) or an existing one (409) changes nothing, so its
/// rows are re-read and it goes again. One writer per partition at a time within the instance. Thread-safe.
/// </summary>
internal sealed class FlowRowWriter : IDisposable
{
    /// <summary>
    /// Cell bytes per transaction. Binary properties travel as base64 (4/3) in a body the service caps at 4 MiB; this
    /// leaves room for the names, tags and the multipart framing (<see cref="AzureLimits"/> checks the result).
    /// </summary>
    public const int MaxTransactionBytes = 2_500_000;

    private const int MaxAttempts = 16;

    private readonly StoreTable _flow;
    private readonly FlowRowCache[] _caches;
    private readonly SemaphoreSlim[] _gates;

    /// <param name="flow">The aggregate table.</param>
    /// <param name="cachedRows">Rows kept in memory for writing without reads, over all partitions.</param>
    public FlowRowWriter(StoreTable flow, int cachedRows)
    {
        _flow = flow;
        _caches = Enumerable.Range(0, FlowRows.Shards).Select(_ => new FlowRowCache(Math.Max(64, cachedRows / FlowRows.Shards))).ToArray();
        _gates = Enumerable.Range(0, FlowRows.Shards).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    /// <summary>Writes one partition's row changes for the batch tagged <paramref name="tag"/>.</summary>
    public async Task WriteAsync(string partition, List<FlowRowChange> changes, ulong tag, CancellationToken cancellationToken)
    {
        var shard = int.Parse(partition.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var cache = _caches[shard];
        var gate = _gates[shard];
        await gate.WaitAsync(cancellationToken);
        try
        {
            var pending = new Queue<FlowRowChange>(changes);
            var attempts = 0;
            while (pending.Count > 0)
            {
                var transaction = Next(partition, pending, cache, tag);
                if (transaction.Count == 0)
                {
                    break;
                }

                try
                {
                    var actions = transaction.Select(t => t.Row.ETag.Length == 0
                        ? new TableTransactionAction(TableTransactionActionType.Add, t.Entity)
                        : new TableTransactionAction(TableTransactionActionType.UpdateMerge, t.Entity, new ETag(t.Row.ETag))).ToArray();
                    var etags = await _flow.SubmitTransactionAsync(actions, cancellationToken);
                    for (var i = 0; i < transaction.Count; i++)
                    {
                        var written = transaction[i].Written;
                        written.ETag = etags[i];
                        cache.Put(written);
                    }

                    attempts = 0;
                }
                catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.PreconditionFailed && ++attempts <= MaxAttempts)
                {
                    // Another writer got there first (412), or a row this writer did not know of exists (409): whoever
                    // wrote one row of the transaction likely wrote the others, so reload them all, back off a little so
                    // two writers do not keep colliding, and go again. Rows that now carry the batch's tag are skipped.
                    // Read in parallel, then update the cache on this one thread: the cache is not thread-safe.
                    var reloaded = await Task.WhenAll(transaction.Select(t => _flow.GetEntityAsync(partition, t.Change.RowKey, cancellationToken)));
                    for (var i = 0; i < transaction.Count; i++)
                    {
                        if (reloaded[i] is { } entity)
                        {
                            cache.Put(FlowRow.From(entity));
                        }
                        else
                        {
                            cache.Forget(transaction[i].Change.RowKey);
                        }
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 << Math.Min(attempts, 6))), cancellationToken);
                    pending = new Queue<FlowRowChange>(transaction.Select(t => t.Change).Concat(pending));
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    /// <summary>The next transaction: up to 100 rows and <see cref="MaxTransactionBytes"/> of cells, skipping rows that hold the tag.</summary>
    private static List<(FlowRowChange Change, FlowRow Row, TableEntity Entity, FlowRow Written)> Next(string partition, Queue<FlowRowChange> pending, FlowRowCache cache, ulong tag)
    {
        var transaction = new List<(FlowRowChange Change, FlowRow Row, TableEntity Entity, FlowRow Written)>();
        var bytes = 0;
        while (pending.Count > 0 && transaction.Count < StoreTable.MaxTransactionSize)
        {
            var change = pending.Peek();
            var row = cache.Get(change.RowKey);
            if (row.HasApplied(tag))
            {
                pending.Dequeue();
                continue;
            }

            var (entity, written, size) = Write(partition, change, row, tag);
            if (transaction.Count > 0 && bytes + size > MaxTransactionBytes)
            {
                break;
            }

            pending.Dequeue();
            transaction.Add((change, row, entity, written));
            bytes += size;
        }

        return transaction;
    }

    /// <summary>
    /// The entity that writes a change onto a row's known state (the changed cells, the history with the batch's tag,
    /// Until), the row as it will stand once written (its ETag still to come), and the cell bytes sent.
    /// </summary>
    private static (TableEntity Entity, FlowRow Written, int Bytes) Write(string partition, FlowRowChange change, FlowRow row, ulong tag)
    {
        var entity = new TableEntity(partition, change.RowKey);
        var written = new FlowRow(row.RowKey);
        foreach (var (cell, value) in row.Cells)
        {
            written.Cells[cell] = value;
        }

        var bytes = 0;
        foreach (var (cell, apply) in change.Cells)
        {
            var old = row.Cells.GetValueOrDefault(cell);
            var value = apply(old);
            written.Cells[cell] = value;
            bytes += FlowRow.WriteCell(entity, cell, value, old);
        }

        written.Applied.AddRange(row.Applied.Skip(Math.Max(0, row.Applied.Count - FlowRow.AppliedHistory + 1)));
        written.Applied.Add(tag);
        entity[FlowRows.Applied] = FlowRow.EncodeApplied(written.Applied);
        entity[FlowRows.Until] = change.Until;
        return (entity, written, bytes + (written.Applied.Count * 8));
    }
}
