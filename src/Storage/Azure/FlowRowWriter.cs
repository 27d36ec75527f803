using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Writes a batch's row changes to the <c>flow</c> table (docs/storage.md, "Exactly once", steps 3 and 4): per
/// partition, entity-group transactions built from the cached state of each row, each row merged under its ETag (or
/// inserted when not known to exist) with the batch's tag appended to its history; a row whose history holds the tag
/// already is skipped. A transaction that meets a changed row (412) or an existing one (409) changes nothing, so its
/// rows are re-read and it goes again, smaller each time it loses in a row. One writer per partition at a time within
/// the instance. Thread-safe.
/// </summary>
internal sealed class FlowRowWriter : IDisposable
{
    /// <summary>
    /// Cell bytes per transaction. Binary properties travel as base64 (4/3) in a body the service caps at 4 MiB; this
    /// leaves room for the names, tags and the multipart framing (<see cref="AzureLimits"/> checks the result).
    /// </summary>
    public const int MaxTransactionBytes = 2_500_000;

    /// <summary>Properties a row's delta log may hold before the row is compacted (the service allows 252 per entity; a row's base cells take at most 124).</summary>
    public const int MaxDeltaProperties = 100;

    /// <summary>Bytes a row's delta log may hold before the row is compacted, so a row stays well inside the 1 MiB an entity may hold.</summary>
    public const int MaxDeltaBytes = 256 * 1024;

    private const int MaxAttempts = 16;

    private readonly StoreTable _flow;
    private readonly FlowRowCache[] _caches;
    private readonly SemaphoreSlim[] _gates;

    /// <param name="flow">The aggregate table.</param>
    /// <param name="cachedRows">Rows kept in memory for writing without reads, over all partitions.</param>
    public FlowRowWriter(StoreTable flow, int cachedRows)
    {
        _flow = flow;
        // Print-id rows get half as many places again, apart (FlowRowCache): the recent minutes' are what a re-sent print meets.
        _caches = Enumerable.Range(0, FlowRows.Shards).Select(_ => new FlowRowCache(Math.Max(64, cachedRows / FlowRows.Shards), Math.Max(64, cachedRows / FlowRows.Shards / 2))).ToArray();
        _gates = Enumerable.Range(0, FlowRows.Shards).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    /// <summary>Writes one partition's row changes for the batch tagged <paramref name="tag"/>.</summary>
    /// <param name="conflicts">When given, asked of each row a lost race re-read: how many of the change's entries the
    /// row as now stored refuses (<see cref="PrintIdRows.Conflicts"/>). Any makes the write throw
    /// <see cref="PrintsAlreadyCountedException"/>, having written nothing more.</param>
    public async Task WriteAsync(string partition, List<FlowRowChange> changes, ulong tag, CancellationToken cancellationToken, Func<FlowRowChange, FlowRow, int>? conflicts = null)
    {
        var shard = int.Parse(partition.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var cache = _caches[shard];
        var gate = _gates[shard];
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Checked against the rows as this writer holds them; a row changed since then fails its write (412, or 409
            // for one it does not hold) and is checked again as re-read, below.
            var refusedHeld = conflicts is null ? 0 : changes.Sum(c => cache.Get(c.RowKey) is { CellsKnown: true } row ? conflicts(c, row) : 0);
            if (refusedHeld > 0)
            {
                throw new PrintsAlreadyCountedException(refusedHeld);
            }

            var pending = new Queue<FlowRowChange>(changes);
            var attempts = 0;
            while (pending.Count > 0)
            {
                await ReadRowsToCompactAsync(partition, pending, cache, tag, cancellationToken);
                // Under contention each lost race halves the next transaction (100, 50, ... 1 rows): a smaller one
                // is less likely to meet a row the other writer just changed, so a writer is never starved for long.
                var transaction = Next(partition, pending, cache, tag, Math.Max(1, StoreTable.MaxTransactionSize >> attempts));
                if (transaction.Count == 0)
                {
                    break;
                }

                try
                {
                    var etags = await _flow.SubmitTransactionAsync([.. transaction.Select(t => t.Action)], cancellationToken);
                    if (conflicts is not null)
                    {
                        Stats.AddPrintIdTransaction();
                    }

                    for (var i = 0; i < transaction.Count; i++)
                    {
                        var written = transaction[i].Written;
                        written.ETag = etags[i];
                        if (written.RowKey[0] == 'i')
                        {
                            // Print-id rows keep their cells: they are what the next batch's duplicate check reads.
                            cache.Put(WithCells(written, cache.Get(written.RowKey), transaction[i].Change));
                        }
                        else if (written.RowKey[0] is not ('p' or 'k'))
                        {
                            // Ledger and chain-event rows are written once (their key holds the batch's tag) and read
                            // only by cancels and history: caching them would push out the aggregate rows the next
                            // batches write.
                            cache.Put(written.WithoutCells());
                        }
                        Stats.Add(transaction[i].Action.ActionType, transaction[i].ChangedBytes, transaction[i].EntityBytes);
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
                    var refused = 0;
                    for (var i = 0; i < transaction.Count; i++)
                    {
                        if (reloaded[i] is { } entity)
                        {
                            var row = FlowRow.From(entity);
                            cache.Put(row);
                            refused += conflicts?.Invoke(transaction[i].Change, row) ?? 0;
                        }
                        else
                        {
                            cache.Forget(transaction[i].Change.RowKey);
                        }
                    }

                    if (refused > 0)
                    {
                        throw new PrintsAlreadyCountedException(refused);
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

    /// <summary>
    /// The cells this writer holds of each row (null for a row it holds without cells); a row it does not hold reads as
    /// not existing, which is how the writer treats it too: its first write inserts it, and fails when it exists.
    /// </summary>
    public async Task<IReadOnlyList<FlowRow?>> CachedAsync(string partition, IReadOnlyList<string> rowKeys, CancellationToken cancellationToken)
    {
        var shard = int.Parse(partition.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        await _gates[shard].WaitAsync(cancellationToken);
        try
        {
            return rowKeys.Select(k =>
            {
                var row = _caches[shard].Get(k);
                var copy = new FlowRow(k) { ETag = row.ETag };
                foreach (var (cell, value) in row.Cells)
                {
                    copy.Cells[cell] = value;
                }

                return row.CellsKnown ? copy : null;
            }).ToArray();
        }
        finally
        {
            _gates[shard].Release();
        }
    }

    /// <summary>What this writer has written since it was made (for the storage benchmark and telemetry).</summary>
    public FlowWriteStats Stats { get; } = new();

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    /// <summary>
    /// Reads the rows the pending changes would compact whose cells this writer does not hold (a compaction writes the
    /// whole row). One read per compaction, so about one per <see cref="MaxDeltaProperties"/> writes of a row.
    /// </summary>
    private async Task ReadRowsToCompactAsync(string partition, Queue<FlowRowChange> pending, FlowRowCache cache, ulong tag, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        foreach (var change in pending)
        {
            var row = cache.Get(change.RowKey);
            if (!row.CellsKnown && !row.HasApplied(tag) && Compacts(row, FlowRow.DeltaLength(change.Cells)))
            {
                keys.Add(change.RowKey);
            }
        }

        var read = await Task.WhenAll(keys.Select(k => _flow.GetEntityAsync(partition, k, cancellationToken)));
        for (var i = 0; i < keys.Count; i++)
        {
            if (read[i] is { } entity)
            {
                cache.Put(FlowRow.From(entity));
            }
            else
            {
                cache.Forget(keys[i]); // pruned since: inserted again
            }
        }
    }

    /// <summary>A written row with its cells: those the write set (an insert or a compaction), else the row's as known merged with the change.</summary>
    private static FlowRow WithCells(FlowRow written, FlowRow before, FlowRowChange change)
    {
        if (written.Cells.Count > 0)
        {
            return written;
        }

        if (!before.CellsKnown)
        {
            return written.WithoutCells();
        }

        foreach (var (cell, value) in before.Cells)
        {
            written.Cells[cell] = value;
        }

        foreach (var (cell, delta) in change.Cells)
        {
            written.Cells[cell] = FlowCells.Merge(written.RowKey, before.Cells.GetValueOrDefault(cell), delta, cell);
        }

        return written;
    }

    /// <summary>Whether writing a delta of <paramref name="deltaLength"/> bytes onto <paramref name="row"/> is an insert or a compaction rather than a delta.</summary>
    private static bool Compacts(FlowRow row, int deltaLength) =>
        row.ETag.Length == 0
        || row.DeltaProperties + ((deltaLength + FlowRow.ChunkBytes - 1) / FlowRow.ChunkBytes) > MaxDeltaProperties
        || row.DeltaBytes + deltaLength > MaxDeltaBytes;

    /// <summary>The next transaction: up to <paramref name="maxRows"/> rows (at most 100) and <see cref="MaxTransactionBytes"/> of cells, skipping rows that hold the tag.</summary>
    private static List<Write> Next(string partition, Queue<FlowRowChange> pending, FlowRowCache cache, ulong tag, int maxRows)
    {
        var transaction = new List<Write>();
        var bytes = 0;
        while (pending.Count > 0 && transaction.Count < maxRows)
        {
            var change = pending.Peek();
            var row = cache.Get(change.RowKey);
            if (row.HasApplied(tag))
            {
                pending.Dequeue();
                continue;
            }

            var write = Plan(partition, change, row, tag);
            if (transaction.Count > 0 && bytes + write.CellBytes > MaxTransactionBytes)
            {
                break;
            }

            pending.Dequeue();
            transaction.Add(write);
            bytes += write.CellBytes;
        }

        return transaction;
    }

    /// <summary>
    /// The write of a change onto a row's known state, and the row as it will stand once written (its ETag still to
    /// come). A row not known to exist is inserted whole. Otherwise the batch's delta is merged in as one new property
    /// (<c>d{n}</c>), so the bytes sent are the bytes the batch changed; once the delta log would pass
    /// <see cref="MaxDeltaProperties"/> properties or <see cref="MaxDeltaBytes"/> bytes, the row is compacted instead:
    /// replaced by its merged cells, <c>Applied</c> and <c>Until</c>, which drops the log.
    /// </summary>
    private static Write Plan(string partition, FlowRowChange change, FlowRow row, ulong tag)
    {
        var written = new FlowRow(row.RowKey);
        written.Applied.AddRange(row.Applied);
        written.Applied.Add(tag);
        var changed = change.Cells.Sum(c => c.Value.Length);
        var entity = new TableEntity(partition, change.RowKey);
        var delta = FlowRow.EncodeDelta(tag, change.Cells);
        if (!Compacts(row, delta.Length))
        {
            var deltaProperties = FlowRow.WriteCell(entity, FlowRow.DeltaName(row.Deltas), delta);
            written.BaseBytes = row.BaseBytes;
            written.Deltas = row.Deltas + 1;
            written.DeltaProperties = row.DeltaProperties + deltaProperties;
            written.DeltaBytes = row.DeltaBytes + delta.Length;
            var update = new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, new ETag(row.ETag));
            return new Write(change, update, written, delta.Length, changed, AzureLimits.EntityBytes(entity));
        }

        if (!row.CellsKnown)
        {
            throw new InvalidOperationException($"Row {row.RowKey} is due for compaction but its cells were not read.");
        }

        foreach (var (cell, value) in row.Cells)
        {
            written.Cells[cell] = value;
        }

        foreach (var (cell, cellDelta) in change.Cells)
        {
            written.Cells[cell] = FlowCells.Merge(row.RowKey, row.Cells.GetValueOrDefault(cell), cellDelta, cell);
        }

        written.Applied.RemoveRange(0, Math.Max(0, written.Applied.Count - FlowRow.AppliedHistory));
        foreach (var (cell, value) in written.Cells)
        {
            FlowRow.WriteCell(entity, cell, value);
            written.BaseBytes += value.Length;
        }

        entity[FlowRows.Applied] = FlowRow.EncodeApplied(written.Applied);
        entity[FlowRows.Until] = change.Until;
        var action = row.ETag.Length == 0
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(row.ETag));
        return new Write(change, action, written, written.BaseBytes + (written.Applied.Count * 8), changed, AzureLimits.EntityBytes(entity));
    }

    /// <summary>One row's write in a transaction: the change, the action, the row as written, and what it costs.</summary>
    private sealed record Write(FlowRowChange Change, TableTransactionAction Action, FlowRow Written, int CellBytes, int ChangedBytes, long EntityBytes);
}

/// <summary>
/// Counts of the rows a <see cref="FlowRowWriter"/> wrote: how many by kind, the bytes the batches changed (their deltas,
/// encoded) and the entity bytes sent for them by the service's size formula. Their ratio is the write amplification
/// (docs/storage.md, "Cost"). Thread-safe.
/// </summary>
public sealed class FlowWriteStats
{
    private long _inserts;
    private long _deltas;
    private long _compactions;
    private long _changedBytes;
    private long _entityBytes;
    private long _printIdTransactions;

    public long Inserts => Interlocked.Read(ref _inserts);

    public long Deltas => Interlocked.Read(ref _deltas);

    public long Compactions => Interlocked.Read(ref _compactions);

    /// <summary>Rows written: inserts, deltas and compactions.</summary>
    public long Rows => Inserts + Deltas + Compactions;

    /// <summary>Bytes the batches changed: each changed cell's delta as encoded (its records and their keys).</summary>
    public long ChangedBytes => Interlocked.Read(ref _changedBytes);

    /// <summary>Bytes of the entities sent, by the service's size formula (keys, property names and values).</summary>
    public long EntityBytes => Interlocked.Read(ref _entityBytes);

    /// <summary>Entity-group transactions of print-id rows (docs/storage.md, "Print ids"): what the duplicate check costs in requests.</summary>
    public long PrintIdTransactions => Interlocked.Read(ref _printIdTransactions);

    public void Reset()
    {
        Interlocked.Exchange(ref _inserts, 0);
        Interlocked.Exchange(ref _deltas, 0);
        Interlocked.Exchange(ref _compactions, 0);
        Interlocked.Exchange(ref _changedBytes, 0);
        Interlocked.Exchange(ref _entityBytes, 0);
        Interlocked.Exchange(ref _printIdTransactions, 0);
    }

    internal void AddPrintIdTransaction() => Interlocked.Increment(ref _printIdTransactions);

    internal void Add(TableTransactionActionType kind, int changedBytes, long entityBytes)
    {
        switch (kind)
        {
            case TableTransactionActionType.Add:
                Interlocked.Increment(ref _inserts);
                break;
            case TableTransactionActionType.UpdateMerge:
                Interlocked.Increment(ref _deltas);
                break;
            default:
                Interlocked.Increment(ref _compactions);
                break;
        }

        Interlocked.Add(ref _changedBytes, changedBytes);
        Interlocked.Add(ref _entityBytes, entityBytes);
    }
}
