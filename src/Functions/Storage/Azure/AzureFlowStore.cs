using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// The aggregates on Azure Table Storage (docs/storage.md has the layout, the exactly-once argument and the query plan
/// per endpoint). A commit turns the folded batch into row changes, writes each partition's rows as entity-group
/// transactions from cached row state (no reads in the steady state), and skips every row that already carries the
/// batch's tag, so a redelivered or concurrently written batch counts once; chains go to Blob Storage, one blob per
/// underlying and trading date, merged under ETags. Thread-safe; several instances may share one account.
/// </summary>
public sealed class AzureFlowStore : IFlowStore, IDisposable
{
    public const string FlowTable = "flow";
    public const string ReceiptTable = "flowreceipts";
    public const string ChainContainer = "chains";

    /// <summary>Raw cell bytes per transaction; base64 adds a third, under the service's 4 MiB body limit.</summary>
    private const int MaxTransactionBytes = 2_500_000;
    private const int MaxAttempts = 16;
    private const string ReceiptPartition = "r";
    private const string ReceiptPending = "pending";
    private const string ReceiptDone = "done";

    /// <summary>How long a claim on a batch holds before another writer may take the batch over.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);

    /// <summary>How long a writer waits for another writer's claim on the same batch before failing the delivery.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReceiptLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;

    /// <summary>Names this writer in batch claims: a pending claim of its own (a failed earlier attempt) is taken over at once.</summary>
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly TableClient _flow;
    private readonly TableClient _receipts;
    private readonly StorageReady _ready;
    private readonly FlowRowCache[] _caches;
    private readonly SemaphoreSlim[] _gates;
    private readonly ChainBlobs _chainBlobs;
    private readonly Lock _pruneLock = new();
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <param name="flow">The aggregate table.</param>
    /// <param name="receipts">The batch receipt table.</param>
    /// <param name="chains">The chain container.</param>
    /// <param name="cachedRows">Rows kept in memory for writing without reads, over all partitions.</param>
    /// <param name="time">The wall clock of claim leases.</param>
    public AzureFlowStore(TableClient flow, TableClient receipts, BlobClient chains, int cachedRows = 40_000, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _flow = flow;
        _receipts = receipts;
        _ready = new StorageReady(async ct =>
        {
            await Task.WhenAll(flow.CreateIfNotExistsAsync(ct), receipts.CreateIfNotExistsAsync(ct), chains.CreateIfNotExistsAsync(ct));
        });
        _caches = Enumerable.Range(0, FlowRows.Shards).Select(_ => new FlowRowCache(Math.Max(64, cachedRows / FlowRows.Shards))).ToArray();
        _gates = Enumerable.Range(0, FlowRows.Shards).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        _chainBlobs = new ChainBlobs(chains);
    }

    public async Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        if (!FlowRows.IsLane(commit.Lane))
        {
            throw new ArgumentException($"'{commit.Lane}' is not a lane: 1 to 32 of a-z, 0-9 and '-'.", nameof(commit));
        }

        await _ready.EnsureAsync(cancellationToken);
        var (done, claim) = await ClaimAsync(commit, cancellationToken);
        if (done is not null)
        {
            return new CommitResult(false, done);
        }

        var tag = Tag(commit.BatchId);
        var changes = FlowRowChanges.Of(commit);
        var writes = changes.Select(p => WritePartitionAsync(p.Key, p.Value, tag, cancellationToken)).ToList();
        writes.Add(_chainBlobs.ApplyAsync(commit.Chains, cancellationToken));
        try
        {
            await Task.WhenAll(writes);
        }
        catch
        {
            // Give the batch back so its redelivery (to any instance) need not wait out the lease; when storage is down
            // this fails too and the lease runs out instead.
            try
            {
                await _receipts.DeleteEntityAsync(ReceiptPartition, ReceiptRow(commit.BatchId), claim, CancellationToken.None);
            }
            catch (StoreException)
            {
            }

            throw;
        }

        // The receipt turns done last: until then a redelivery claims the batch again (once the lease ran out) and
        // every row this commit already reached skips the batch by its tag.
        try
        {
            await _receipts.ReplaceEntityAsync(ReceiptEntity(commit, ReceiptDone, null), claim, cancellationToken);
            return new CommitResult(true, commit.Receipt);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.PreconditionFailed)
        {
            // Our lease ran out and another writer took the batch over; it finishes the receipt.
            return new CommitResult(true, commit.Receipt);
        }
    }

    /// <summary>
    /// Claims the batch for this writer: inserts its receipt as pending with a lease. When the receipt exists it is
    /// either done (the batch is answered from it) or pending under another writer's lease, which this writer waits
    /// out (a hand-over delivers one batch to two instances at once) or takes over once expired (its writer died).
    /// So two writers never write one batch's rows at the same time, and the rows' batch tags only have to cover a
    /// crashed commit's redelivery. A pending claim of this writer's own (an attempt that failed) is taken over at
    /// once. Returns the done receipt, or the claim's ETag.
    /// </summary>
    private async Task<(IngestReceipt? Done, string Claim)> ClaimAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            try
            {
                return (null, await _receipts.AddEntityAsync(ReceiptEntity(commit, ReceiptPending, now + ClaimLease), cancellationToken));
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict)
            {
            }

            var held = await _receipts.GetEntityAsync(ReceiptPartition, ReceiptRow(commit.BatchId), cancellationToken);
            if (held is null)
            {
                continue; // pruned in between: claim again
            }

            if (held.GetString("State") != ReceiptPending)
            {
                return (ReceiptOf(held), string.Empty);
            }

            if (held.GetDateTime("LeaseUntilUtc") < now || held.GetString("Owner") == _instance)
            {
                try
                {
                    return (null, await _receipts.ReplaceEntityAsync(ReceiptEntity(commit, ReceiptPending, now + ClaimLease), held.ETag, cancellationToken));
                }
                catch (StoreException e) when (e.Failure == StoreFailure.PreconditionFailed)
                {
                    continue;
                }
            }

            if (waited.Elapsed > ClaimWait)
            {
                throw new StoreException(StoreFailure.Unavailable, $"Batch {commit.BatchId} is being committed by another writer; deliver it again later.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 20 * attempt)), cancellationToken);
        }
    }

    public async Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken)
    {
        await _ready.EnsureAsync(cancellationToken);
        var entity = await _receipts.GetEntityAsync(ReceiptPartition, ReceiptRow(batchId), cancellationToken);
        return entity is null || entity.GetString("State") == ReceiptPending ? null : ReceiptOf(entity);
    }

    public async Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<long, FlowTally>>();
        await foreach (var (minute, bytes) in MinuteCellsAsync(symbol, FlowRows.MinuteRow, firstMinute, lastMinute, cancellationToken))
        {
            result.Add(new(minute, FlowCodec.DecodeTally(bytes)));
        }

        return result;
    }

    public async Task<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>> ReadZeroDteAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>();
        await foreach (var (minute, bytes) in MinuteCellsAsync(symbol, FlowRows.ZeroDteRow, firstMinute, lastMinute, cancellationToken))
        {
            foreach (var (strike, flow) in FlowCodec.DecodeStrikes(bytes).OrderBy(s => s.Key))
            {
                result.Add(new((minute, strike), flow));
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<KeyValuePair<string, FlowTally>>> ReadWindowTotalsAsync(long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        if (!Clamp(ref firstMinute, ref lastMinute))
        {
            return [];
        }

        await _ready.EnsureAsync(cancellationToken);
        var ranges = WindowRanges(firstMinute, lastMinute + 1);
        var reads = new List<Task<List<TableEntity>>>();
        for (var shard = 0; shard < FlowRows.Shards; shard++)
        {
            foreach (var (from, to) in ranges)
            {
                reads.Add(QueryListAsync(TableFilter.RowRange(FlowRows.Partition(shard), from, to), cancellationToken));
            }
        }

        var totals = new Dictionary<string, FlowTally>(StringComparer.Ordinal);
        foreach (var entity in (await Task.WhenAll(reads)).SelectMany(e => e))
        {
            foreach (var bytes in FlowRow.From(entity).Cells.Values)
            {
                foreach (var (symbol, tally) in FlowCodec.DecodeTallies(bytes))
                {
                    System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(totals, symbol, out _).Merge(tally);
                }
            }
        }

        return totals.Where(t => !t.Value.IsEmpty).OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();
    }

    public async Task<IReadOnlyDictionary<OptionKey, ContractDayFlow>> ReadContractsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        await _ready.EnsureAsync(cancellationToken);
        var result = new Dictionary<OptionKey, ContractDayFlow>();
        var entity = await _flow.GetEntityAsync(FlowRows.PartitionOf(symbol), FlowRows.ContractRow(symbol, tradingDate), cancellationToken);
        if (entity is null)
        {
            return result;
        }

        foreach (var (cell, bytes) in FlowRow.From(entity).Cells)
        {
            var (expiry, right) = FlowRows.ContractOfCell(cell);
            foreach (var (strike, flow) in FlowCodec.DecodeContracts(bytes))
            {
                result[new OptionKey(expiry, strike, right)] = flow;
            }
        }

        return result;
    }

    public async Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        await _ready.EnsureAsync(cancellationToken);
        return await _chainBlobs.ReadAsync(symbol, tradingDate, cancellationToken);
    }

    public async Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken)
    {
        await _ready.EnsureAsync(cancellationToken);
        var cell = FlowRows.BucketCell(symbol);
        SpotMark? newest = null;
        await foreach (var entity in _flow.QueryAllAsync(TableFilter.RowRange(FlowRows.PartitionOf(symbol), FlowRows.SpotRowsFrom, FlowRows.SpotRowsTo), [cell], cancellationToken))
        {
            if (entity.GetBinary(cell) is { } bytes && FlowCodec.DecodeSpots(bytes).TryGetValue(symbol, out var mark)
                && (newest is not { } held || mark.Timestamp > held.Timestamp))
            {
                newest = mark;
            }
        }

        return newest;
    }

    /// <summary>
    /// Deletes rows whose <c>Until</c> has passed, receipts older than a day and chains of trading dates before
    /// yesterday. Runs at most once an hour of <paramref name="now"/> per instance (the timer calls it every 30 s).
    /// </summary>
    public async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_pruneLock)
        {
            if (now - _lastPrune < PruneInterval && now >= _lastPrune)
            {
                return;
            }

            _lastPrune = now;
        }

        await _ready.EnsureAsync(cancellationToken);
        var nowMinute = MinuteBucket.Of(now);
        for (var shard = 0; shard < FlowRows.Shards; shard++)
        {
            var partition = FlowRows.Partition(shard);
            var stale = TableFilter.And(TableFilter.Equal("PartitionKey", partition), TableFilter.Compare(FlowRows.Until, "lt", nowMinute));
            await DeleteAllAsync(_flow, stale, cancellationToken);
        }

        var oldReceipts = TableFilter.And(TableFilter.Equal("PartitionKey", ReceiptPartition), TableFilter.Compare(FlowRows.Until, "lt", MinuteBucket.Of(now - ReceiptLifetime)));
        await DeleteAllAsync(_receipts, oldReceipts, cancellationToken);
        await _chainBlobs.PruneAsync(NewYorkTime.TradingDate(now).AddDays(-1), cancellationToken);
    }

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    /// <summary>The batch's tag in row histories: the first 8 bytes of SHA-256 of its id.</summary>
    internal static ulong Tag(string batchId) => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(batchId)));

    /// <summary>
    /// The row-key ranges [from, to) of the rollups that cover minutes [first, end) exactly: minute rollups for the
    /// ragged edges, hour rollups up to whole UTC days, day rollups between. At most five ranges, whatever the window.
    /// </summary>
    internal static List<(string From, string To)> WindowRanges(long first, long end)
    {
        var ranges = new List<(string, string)>();
        var h0 = CeilDiv(first, 60);
        var h1 = end / 60;
        if (h0 >= h1)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(first), FlowRows.MinuteRollupFrom(end)));
            return ranges;
        }

        if (first < h0 * 60)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(first), FlowRows.MinuteRollupFrom(h0 * 60)));
        }

        var d0 = CeilDiv(h0, 24);
        var d1 = h1 / 24;
        if (d0 >= d1)
        {
            ranges.Add((FlowRows.HourRollupFrom(h0), FlowRows.HourRollupFrom(h1)));
        }
        else
        {
            if (h0 < d0 * 24)
            {
                ranges.Add((FlowRows.HourRollupFrom(h0), FlowRows.HourRollupFrom(d0 * 24)));
            }

            ranges.Add((FlowRows.DayRollupFrom(d0), FlowRows.DayRollupFrom(d1)));
            if (d1 * 24 < h1)
            {
                ranges.Add((FlowRows.HourRollupFrom(d1 * 24), FlowRows.HourRollupFrom(h1)));
            }
        }

        if (h1 * 60 < end)
        {
            ranges.Add((FlowRows.MinuteRollupFrom(h1 * 60), FlowRows.MinuteRollupFrom(end)));
        }

        return ranges;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    /// <summary>Keeps a minute range inside what row keys can spell (year 1970 to 9999); false when it is empty.</summary>
    private static bool Clamp(ref long first, ref long last)
    {
        var max = MinuteBucket.Of(new DateTimeOffset(9999, 12, 30, 0, 0, 0, TimeSpan.Zero));
        first = Math.Max(first, 0);
        last = Math.Min(last, max);
        return first <= last;
    }

    /// <summary>
    /// The minute cells (<c>m00</c>..<c>m59</c>) of one symbol's hour rows of one family, first ≤ minute ≤ last, in
    /// ascending order: one row-key range query over at most 169 rows.
    /// </summary>
    private async IAsyncEnumerable<(long Minute, byte[] Cell)> MinuteCellsAsync(
        string symbol,
        Func<string, long, string> rowKey,
        long firstMinute,
        long lastMinute,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Clamp(ref firstMinute, ref lastMinute))
        {
            yield break;
        }

        await _ready.EnsureAsync(cancellationToken);
        var filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", FlowRows.PartitionOf(symbol)),
            TableFilter.Compare("RowKey", "ge", rowKey(symbol, firstMinute / 60)),
            TableFilter.Compare("RowKey", "le", rowKey(symbol, lastMinute / 60)));
        await foreach (var entity in _flow.QueryAllAsync(filter, null, cancellationToken))
        {
            var hour = FlowRows.HourOfRow(entity.RowKey);
            foreach (var (cell, bytes) in FlowRow.From(entity).Cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var minute = FlowRows.MinuteOfCell(hour, cell);
                if (minute >= firstMinute && minute <= lastMinute)
                {
                    yield return (minute, bytes);
                }
            }
        }
    }

    private async Task<List<TableEntity>> QueryListAsync(string filter, CancellationToken cancellationToken)
    {
        var list = new List<TableEntity>();
        await foreach (var entity in _flow.QueryAllAsync(filter, null, cancellationToken))
        {
            list.Add(entity);
        }

        return list;
    }

    /// <summary>
    /// Writes one partition's row changes as entity-group transactions. Each row is written from its cached state under
    /// its ETag (or inserted when not known to exist) with the batch's tag appended to its history; a row whose history
    /// holds the tag already is skipped. A transaction that meets a changed row (412) or an existing one (409) reloads
    /// its rows and goes again.
    /// </summary>
    private async Task WritePartitionAsync(string partition, List<FlowRowChange> changes, ulong tag, CancellationToken cancellationToken)
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
                var transaction = new List<(FlowRowChange Change, FlowRow Row, TableEntity Entity, FlowRow Written)>();
                var bytes = 0;
                while (pending.Count > 0 && transaction.Count < TableClient.MaxTransactionSize)
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

                if (transaction.Count == 0)
                {
                    break;
                }

                try
                {
                    var operations = transaction.Select(t => (t.Row.ETag.Length == 0 ? TableOperation.Add : TableOperation.Merge, t.Entity)).ToArray();
                    var etags = await _flow.SubmitTransactionAsync(operations, cancellationToken);
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

    /// <summary>
    /// The entity that writes a change onto a row's known state (the changed cells, the history with the batch's tag,
    /// Until), the row as it will stand once written (its ETag still to come), and the cell bytes sent.
    /// </summary>
    private static (TableEntity Entity, FlowRow Written, int Bytes) Write(string partition, FlowRowChange change, FlowRow row, ulong tag)
    {
        var entity = new TableEntity(partition, change.RowKey) { ETag = row.ETag };
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

    private static async Task DeleteAllAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var batch = new List<(TableOperation, TableEntity)>();
        string? partition = null;
        await foreach (var entity in table.QueryAllAsync(filter, ["PartitionKey", "RowKey"], cancellationToken))
        {
            if (batch.Count == TableClient.MaxTransactionSize || (partition is not null && entity.PartitionKey != partition))
            {
                await DeleteBatchAsync(table, batch, cancellationToken);
            }

            partition = entity.PartitionKey;
            batch.Add((TableOperation.Delete, new TableEntity(entity.PartitionKey, entity.RowKey) { ETag = "*" }));
        }

        await DeleteBatchAsync(table, batch, cancellationToken);
    }

    private static async Task DeleteBatchAsync(TableClient table, List<(TableOperation, TableEntity)> batch, CancellationToken cancellationToken)
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
            // Another instance pruned some of these first; delete the rest one by one.
            foreach (var (_, entity) in batch)
            {
                try
                {
                    await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, "*", cancellationToken);
                }
                catch (StoreException gone) when (gone.Failure == StoreFailure.NotFound)
                {
                }
            }
        }

        batch.Clear();
    }

    private static string ReceiptRow(string batchId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(batchId)));

    private TableEntity ReceiptEntity(FlowCommit commit, string state, DateTimeOffset? leaseUntil)
    {
        var r = commit.Receipt;
        var errors = new MemoryStream();
        using (var w = new Utf8JsonWriter(errors))
        {
            w.WriteStartArray();
            foreach (var e in r.Errors)
            {
                w.WriteStartObject();
                w.WriteNumber("index", e.Index);
                w.WriteString("reason", e.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return new TableEntity(ReceiptPartition, ReceiptRow(commit.BatchId))
        {
            ["BatchId"] = commit.BatchId,
            ["PayloadHash"] = r.PayloadHash,
            ["Accepted"] = r.Accepted,
            ["Rejected"] = r.Rejected,
            ["Errors"] = Encoding.UTF8.GetString(errors.ToArray()),
            ["CommittedUtc"] = r.CommittedUtc,
            [FlowRows.Until] = MinuteBucket.Of(r.CommittedUtc),
            ["State"] = state,
            ["Owner"] = _instance,
            ["LeaseUntilUtc"] = leaseUntil ?? r.CommittedUtc,
        };
    }

    private static IngestReceipt ReceiptOf(TableEntity e)
    {
        var errors = new List<IngestError>();
        using (var doc = JsonDocument.Parse(e.GetString("Errors") ?? "[]"))
        {
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                errors.Add(new IngestError(item.GetProperty("index").GetInt32(), item.GetProperty("reason").GetString() ?? string.Empty));
            }
        }

        return new IngestReceipt(
            e.GetString("PayloadHash") ?? string.Empty,
            (int)e.GetInt64("Accepted"),
            (int)e.GetInt64("Rejected"),
            errors,
            e.GetDateTime("CommittedUtc") ?? DateTimeOffset.MinValue);
    }
}
