using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The aggregates on Azure Table Storage (docs/storage.md has the layout, the exactly-once argument and the query plan
/// per endpoint). This class runs a commit and answers the reads; the parts live beside it: <see cref="BatchClaims"/>
/// (one writer per batch id, the receipts), <see cref="FlowRowChanges"/> (a fold as row changes),
/// <see cref="FlowRowWriter"/> (the transactions, from cached row state, skipping rows that carry the batch's tag),
/// <see cref="ChainBlobs"/> (chains in Blob Storage), <see cref="RollupRanges"/> (what a window reads) and
/// <see cref="FlowRetention"/> (pruning). Thread-safe; several instances may share one account.
/// </summary>
public sealed partial class AzureFlowStore : IFlowStore, IDisposable
{
    public const string FlowTable = "flow";
    public const string ReceiptTable = "flowreceipts";
    public const string ChainContainer = "chains";

    private readonly StoreTable _flow;
    private readonly StoreTable _receipts;
    private readonly StoreContainer _chainContainer;
    private readonly BatchClaims _claims;
    private readonly FlowRowWriter _writer;
    private readonly AzureCancels _cancels;
    private readonly ChainBlobs _chainBlobs;
    private readonly FlowRetention _retention;

    /// <param name="flow">The aggregate table.</param>
    /// <param name="receipts">The batch receipt table.</param>
    /// <param name="chains">The chain container.</param>
    /// <param name="cachedRows">Rows kept in memory for writing without reads, over all partitions.</param>
    /// <param name="time">The wall clock of claim leases.</param>
    /// <param name="retentionTradingDays">How many trading dates to keep, today's included (docs/api.md "Retention").</param>
    public AzureFlowStore(StoreTable flow, StoreTable receipts, StoreContainer chains, int cachedRows = 160_000, TimeProvider? time = null, int retentionTradingDays = DefaultRetentionTradingDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionTradingDays, 1);
        RetentionTradingDays = retentionTradingDays;
        _flow = flow;
        _receipts = receipts;
        _chainContainer = chains;
        _claims = new BatchClaims(receipts, time ?? TimeProvider.System);
        _writer = new FlowRowWriter(flow, cachedRows);
        _cancels = new AzureCancels(flow, _writer, retentionTradingDays);
        _chainBlobs = new ChainBlobs(chains);
        _retention = new FlowRetention(flow, receipts, _chainBlobs);
    }

    /// <summary>What this store's row writer has written since it was made: rows by kind, bytes changed and sent.</summary>
    public FlowWriteStats WriteStats => _writer.Stats;

    public async Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        if (!FlowRows.IsLane(commit.Lane))
        {
            throw new ArgumentException($"'{commit.Lane}' is not a lane: 1 to 32 of a-z, 0-9 and '-'.", nameof(commit));
        }

        await EnsureCreatedAsync(cancellationToken);
        var (done, claim) = await _claims.ClaimAsync(commit, cancellationToken);
        if (done is not null)
        {
            return new CommitResult(false, done);
        }

        var tag = Tag(commit.BatchId);
        int unmatched;
        try
        {
            // Print ids first (docs/storage.md, "Print ids"): a print another batch counted since the pipeline checked
            // fails the commit here, before any of the batch's aggregate rows is written in its partition.
            await Task.WhenAll(PrintIdRows.Changes(commit, tag, RetentionTradingDays).Select(p =>
                _writer.WriteAsync(p.Key, p.Value, tag, cancellationToken, (change, row) => PrintIdRows.Conflicts(change, row, tag))));

            var writes = FlowRowChanges.Of(commit, RetentionTradingDays).Select(p => _writer.WriteAsync(p.Key, p.Value, tag, cancellationToken)).ToList();
            writes.Add(_chainBlobs.ApplyAsync(commit.Chains, cancellationToken));
            await Task.WhenAll(writes);

            // Cancels go after the batch's own rows, in order (docs/storage.md, "Cancels"): a cancel may name a print
            // of this very batch.
            unmatched = commit.Fold.Cancels.Count == 0 ? 0 : await _cancels.ApplyAsync(commit, cancellationToken);
        }
        catch
        {
            await _claims.ReleaseAsync(commit.BatchId, claim);
            throw;
        }

        // The receipt turns done last: until then a redelivery claims the batch again (once the lease ran out) and
        // every row this commit already reached skips the batch by its tag. When the lease ran out first, the writer
        // that took the batch over finishes the receipt.
        await _claims.CompleteAsync(commit, claim, cancellationToken);
        return new CommitResult(true, commit.Receipt) { UnmatchedCancels = unmatched };
    }

    /// <summary>
    /// Answered from the print-id rows this instance holds (docs/storage.md, "Print ids"), without a request in the
    /// steady state. A row it does not hold counts as empty: the commit's insert of that row then fails if another
    /// writer made it, and the commit throws <see cref="PrintsAlreadyCountedException"/> once it has read what that
    /// writer counted, so the pipeline's next check finds it.
    /// </summary>
    public async Task<IReadOnlySet<PrintKey>> FindCountedPrintsAsync(IReadOnlyCollection<PrintKey> prints, string batchId, CancellationToken cancellationToken)
    {
        var tag = Tag(batchId);
        var counted = new HashSet<PrintKey>();
        foreach (var partition in prints.GroupBy(p => FlowRows.PartitionOf(p.Underlying)))
        {
            var byRow = partition.GroupBy(p => PrintIdRows.Row(p.Underlying, p.Minute)).ToArray();
            var rows = await _writer.CachedAsync(partition.Key, byRow.Select(r => r.Key).ToArray(), cancellationToken);
            for (var i = 0; i < byRow.Length; i++)
            {
                // A row held without its cells is read (print-id rows are cached with theirs, so this is a fallback).
                var row = rows[i] ?? (await _flow.GetEntityAsync(partition.Key, byRow[i].Key, cancellationToken) is { } entity ? FlowRow.From(entity) : null);
                if (row?.Cells.GetValueOrDefault(PrintIdRows.Cell) is not { } cell)
                {
                    continue;
                }

                var held = PrintIdRows.Decode(cell);
                counted.UnionWith(byRow[i].Where(p => held.TryGetValue(PrintIdRows.Hash(p.Id), out var owner) && owner != tag));
            }
        }

        return counted;
    }

    public async Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _claims.FindAsync(batchId, cancellationToken);
    }

    public async Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<long, FlowTally>>();
        await foreach (var (minute, bytes) in MinuteCellsAsync(symbol, FlowRows.MinuteRow, firstMinute, lastMinute, cancellationToken))
        {
            var tally = FlowCodec.DecodeTally(bytes);
            if (!tally.IsEmpty)
            {
                result.Add(new(minute, tally)); // a minute whose every print was cancelled is empty
            }
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
        if (!RollupRanges.Clamp(ref firstMinute, ref lastMinute))
        {
            return [];
        }

        await EnsureCreatedAsync(cancellationToken);
        var ranges = RollupRanges.Of(firstMinute, lastMinute + 1);
        var reads = new List<Task<List<TableEntity>>>();
        for (var shard = 0; shard < FlowRows.Shards; shard++)
        {
            foreach (var (from, to) in ranges)
            {
                reads.Add(QueryListAsync($"PartitionKey eq {FlowRows.Partition(shard)} and RowKey ge {from} and RowKey lt {to}", cancellationToken));
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
        await EnsureCreatedAsync(cancellationToken);
        var result = new Dictionary<OptionKey, ContractDayFlow>();
        var (partition, (from, to)) = (FlowRows.PartitionOf(symbol), FlowRows.ContractRows(symbol, tradingDate));
        await foreach (var entity in _flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}", null, cancellationToken))
        {
            foreach (var (cell, bytes) in FlowRow.From(entity).Cells)
            {
                var (expiry, right) = FlowRows.ContractOfCell(cell);
                foreach (var (strike, flow) in FlowCodec.DecodeContracts(bytes))
                {
                    result[new OptionKey(expiry, strike, right)] = flow;
                }
            }
        }

        return result;
    }

    public async Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _chainBlobs.ReadAsync(symbol, tradingDate, cancellationToken);
    }

    public async Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await ReadNewestMarkAsync(symbol, FlowRows.SpotRowsFrom, FlowRows.SpotRowsTo, cancellationToken);
    }

    /// <summary>The newest mark of the symbol that the lanes' spot rows of one family (<c>S</c> or <c>Q</c>) hold.</summary>
    private async Task<SpotMark?> ReadNewestMarkAsync(string symbol, string from, string to, CancellationToken cancellationToken)
    {
        var cell = FlowRows.BucketCell(symbol);
        SpotMark? newest = null;
        await foreach (var entity in _flow.QueryAllAsync($"PartitionKey eq {FlowRows.PartitionOf(symbol)} and RowKey ge {from} and RowKey lt {to}", null, cancellationToken))
        {
            if (FlowRow.From(entity).Cells.GetValueOrDefault(cell) is { } bytes && FlowCodec.DecodeSpots(bytes).TryGetValue(symbol, out var mark)
                && !FlowCodec.IsNoSpot(mark) && (newest is not { } held || mark.Timestamp > held.Timestamp))
            {
                newest = mark;
            }
        }

        return newest;
    }

    public async Task<IReadOnlyDictionary<string, SpotMark>> ReadSpotsAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var reads = Enumerable.Range(0, FlowRows.Shards)
            .Select(shard => QueryListAsync($"PartitionKey eq {FlowRows.Partition(shard)} and RowKey ge {FlowRows.SpotRowsFrom} and RowKey lt {FlowRows.SpotRowsTo}", cancellationToken));
        var newest = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
        foreach (var entity in (await Task.WhenAll(reads)).SelectMany(e => e))
        {
            foreach (var bytes in FlowRow.From(entity).Cells.Values)
            {
                foreach (var (symbol, mark) in FlowCodec.DecodeSpots(bytes))
                {
                    if (!FlowCodec.IsNoSpot(mark) && (!newest.TryGetValue(symbol, out var held) || mark.Timestamp > held.Timestamp))
                    {
                        newest[symbol] = mark;
                    }
                }
            }
        }

        return newest;
    }

    /// <summary>
    /// Deletes rows whose <c>Until</c> has passed, receipts older than a day and chain blobs of trading dates before the
    /// last weekday before today, at most once an hour of <paramref name="now"/> per instance (<see cref="FlowRetention"/>).
    /// </summary>
    public async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await _retention.PruneAsync(now, cancellationToken);
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>The batch's tag in row histories: the first 8 bytes of SHA-256 of its id.</summary>
    internal static ulong Tag(string batchId) => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(batchId)));

    private Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_flow.EnsureCreatedAsync(cancellationToken), _receipts.EnsureCreatedAsync(cancellationToken), _chainContainer.EnsureCreatedAsync(cancellationToken));

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
        if (!RollupRanges.Clamp(ref firstMinute, ref lastMinute))
        {
            yield break;
        }

        await EnsureCreatedAsync(cancellationToken);
        var (partition, from, to) = (FlowRows.PartitionOf(symbol), rowKey(symbol, firstMinute / 60), rowKey(symbol, lastMinute / 60));
        await foreach (var entity in _flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey le {to}", null, cancellationToken))
        {
            var hour = FlowRows.HourOfRow(entity.RowKey);
            foreach (var (cell, bytes) in FlowRow.From(entity).Cells.Where(c => FlowRows.IsMinuteCell(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var minute = FlowRows.MinuteOfCell(hour, cell);
                if (minute >= firstMinute && minute <= lastMinute)
                {
                    yield return (minute, bytes);
                }
            }
        }
    }

    private async Task<List<TableEntity>> QueryListAsync(FormattableString filter, CancellationToken cancellationToken)
    {
        var list = new List<TableEntity>();
        await foreach (var entity in _flow.QueryAllAsync(filter, null, cancellationToken))
        {
            list.Add(entity);
        }

        return list;
    }
}
