using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The lease protocol that gives one batch id to one writer at a time (docs/storage.md, "Exactly once"), on the
/// receipt table: partition <c>r</c>, row key = hex SHA-256 of the batch id. A receipt is <c>pending</c> while a
/// writer holds the batch (owner and lease), <c>done</c> once its rows are written, and then answers a redelivery or a
/// replayed <c>Idempotency-Key</c> with the first answer. Receipts are kept a day. Thread-safe.
/// </summary>
internal sealed class BatchClaims(StoreTable receipts, TimeProvider time)
{
    private const string Partition = "r";
    private const string Pending = "pending";
    private const string Done = "done";

    /// <summary>How long a claim holds before another writer may take the batch over.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How long a writer waits for another writer's claim on the same batch before failing the delivery.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>Names this writer in claims: a pending claim of its own (a failed earlier attempt) is taken over at once.</summary>
    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Claims the batch for this writer: inserts its receipt as pending with a lease. When the receipt exists it is
    /// either done (the batch is answered from it) or pending under another writer's lease, which this writer waits
    /// out (a hand-over delivers one batch to two instances at once) or takes over once expired (its writer died).
    /// So two writers never write one batch's rows at the same time, and the rows' batch tags only have to cover a
    /// crashed commit's redelivery. Returns the done receipt, or the claim's ETag.
    /// </summary>
    public async Task<(IngestReceipt? Done, string Claim)> ClaimAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            try
            {
                return (null, await receipts.AddEntityAsync(Entity(commit, Pending, now + Lease), cancellationToken));
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict)
            {
            }

            var held = await receipts.GetEntityAsync(Partition, Row(commit.BatchId), cancellationToken);
            if (held is null)
            {
                continue; // pruned in between: claim again
            }

            if (held.GetString("State") != Pending)
            {
                return (ReceiptOf(held), string.Empty);
            }

            if (held.GetDateTimeOffset("LeaseUntilUtc") < now || held.GetString("Owner") == _instance)
            {
                try
                {
                    return (null, await receipts.ReplaceEntityAsync(Entity(commit, Pending, now + Lease), StoreTable.ETagOf(held), cancellationToken));
                }
                catch (StoreException e) when (e.Failure == StoreFailure.PreconditionFailed)
                {
                    continue;
                }
            }

            if (waited.Elapsed > Wait)
            {
                throw new StoreException(StoreFailure.Unavailable, $"Batch {commit.BatchId} is being committed by another writer; deliver it again later.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 20 * attempt)), cancellationToken);
        }
    }

    /// <summary>Turns the claim into the done receipt. False when the lease ran out and another writer took the batch over (it finishes the receipt).</summary>
    public async Task<bool> CompleteAsync(FlowCommit commit, string claim, CancellationToken cancellationToken)
    {
        try
        {
            await receipts.ReplaceEntityAsync(Entity(commit, Done, null), claim, cancellationToken);
            return true;
        }
        catch (StoreException e) when (e.Failure == StoreFailure.PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>
    /// Gives a failed commit's claim back, so its redelivery (to any instance) need not wait out the lease; when
    /// storage is down this fails too, quietly, and the lease runs out instead.
    /// </summary>
    public async Task ReleaseAsync(string batchId, string claim)
    {
        try
        {
            await receipts.DeleteEntityAsync(Partition, Row(batchId), claim, CancellationToken.None);
        }
        catch (StoreException)
        {
        }
    }

    /// <summary>The done receipt of a batch id, or null (never committed, or still pending).</summary>
    public async Task<IngestReceipt?> FindAsync(string batchId, CancellationToken cancellationToken)
    {
        var entity = await receipts.GetEntityAsync(Partition, Row(batchId), cancellationToken);
        return entity is null || entity.GetString("State") == Pending ? null : ReceiptOf(entity);
    }

    /// <summary>Receipts committed more than a day before <paramref name="now"/>, for <see cref="FlowRetention"/>.</summary>
    public static FormattableString StaleFilter(DateTimeOffset now) => $"PartitionKey eq {Partition} and Until lt {MinuteBucket.Of(now - Lifetime)}";

    private static string Row(string batchId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(batchId)));

    private TableEntity Entity(FlowCommit commit, string state, DateTimeOffset? leaseUntil)
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

        return new TableEntity(Partition, Row(commit.BatchId))
        {
            ["BatchId"] = commit.BatchId,
            ["PayloadHash"] = r.PayloadHash,
            ["Accepted"] = (long)r.Accepted,
            ["Rejected"] = (long)r.Rejected,
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
            (int)(e.GetInt64("Accepted") ?? 0),
            (int)(e.GetInt64("Rejected") ?? 0),
            errors,
            e.GetDateTimeOffset("CommittedUtc") ?? DateTimeOffset.MinValue);
    }
}
