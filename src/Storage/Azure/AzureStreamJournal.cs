using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowFunctions.Analytics.Streaming;
using global::Azure;
using global::Azure.Data.Tables;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// The stream journal in the <c>stream</c> table (docs/storage.md "Stream journal"). Partition = trading day
/// (<c>yyyyMMdd</c>); rows <c>p{page:D12}</c> (a page's events, one binary property), <c>a{hash}</c> (an append id
/// already appended) and <c>state</c> (the closer's state, in binary parts).
/// <para>
/// Every write is one entity-group transaction, so it is all or nothing: an append inserts its marker and its pages;
/// a close replaces the state (If-Match) and inserts its pages. A page is inserted, never replaced, at the number after
/// the last page this process knows; when another instance took that number first the insert conflicts, the process
/// reads the pages past it and tries again at the new end. So numbers have no gaps and a page is readable only once
/// every page before it is.
/// </para>
/// Thread-safe.
/// </summary>
public sealed class AzureStreamJournal(StoreTable table) : IStreamJournal
{
    public const string Table = "stream";

    /// <summary>Pages one write may hold (with its marker or state, within a transaction's 100 operations and 4 MiB).</summary>
    public const int MaxPagesPerWrite = 60;

    private const string StateRow = "state";
    private const int MaxStateParts = 15;
    private const int MaxAttempts = 100;
    private readonly ConcurrentDictionary<DateOnly, long> _next = new();

    public event Action<DateOnly>? Appended;

    public async Task<bool> AppendAsync(DateOnly day, string appendId, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken)
    {
        var marker = new TableEntity(Partition(day), "a" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appendId)))[..40]);
        var written = await WriteAsync(day, new TableTransactionAction(TableTransactionActionType.Add, marker), events, cancellationToken);
        if (written && events.Count > 0)
        {
            Appended?.Invoke(day);
        }

        return written;
    }

    public async Task<StreamDayStateVersion> ReadStateAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var entity = await table.GetEntityAsync(Partition(day), StateRow, cancellationToken);
        if (entity is null)
        {
            return new StreamDayStateVersion(StreamDayState.Initial(day), string.Empty);
        }

        var parts = entity.GetInt32("Parts") ?? 0;
        var bytes = new List<byte>();
        for (var i = 0; i < parts; i++)
        {
            bytes.AddRange(entity.GetBinary("S" + i.ToString(CultureInfo.InvariantCulture)) ?? []);
        }

        return new StreamDayStateVersion(StreamDayState.Decode(Encoding.UTF8.GetString([.. bytes])), StoreTable.ETagOf(entity));
    }

    public async Task<bool> TryCloseAsync(DateOnly day, StreamDayStateVersion before, StreamDayState after, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken)
    {
        var state = new TableEntity(Partition(day), StateRow);
        var bytes = Encoding.UTF8.GetBytes(after.Encode());
        var parts = (bytes.Length + StreamPages.MaxPageBytes - 1) / StreamPages.MaxPageBytes;
        if (parts > MaxStateParts)
        {
            throw new InvalidOperationException($"The stream state of {after.Symbols.Count} symbols is {bytes.Length} bytes, more than one entity holds.");
        }

        for (var i = 0; i < parts; i++)
        {
            state["S" + i.ToString(CultureInfo.InvariantCulture)] = bytes.AsSpan(i * StreamPages.MaxPageBytes, Math.Min(StreamPages.MaxPageBytes, bytes.Length - (i * StreamPages.MaxPageBytes))).ToArray();
        }

        state["Parts"] = parts;
        var action = before.ETag.Length == 0
            ? new TableTransactionAction(TableTransactionActionType.Add, state)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, new ETag(before.ETag));
        var written = await WriteAsync(day, action, events, cancellationToken);
        if (written && events.Count > 0)
        {
            Appended?.Invoke(day);
        }

        return written;
    }

    public async Task<IReadOnlyList<StreamPage>> ReadAsync(DateOnly day, long fromPage, int maxPages, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var partition = Partition(day);
        var from = PageRow(Math.Max(1, fromPage));
        var page = await table.QueryAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {"q"}", null, Math.Clamp(maxPages, 1, 1000), null, cancellationToken);
        var pages = new List<StreamPage>(page.Entities.Count);
        foreach (var entity in page.Entities)
        {
            pages.Add(new StreamPage(long.Parse(entity.RowKey.AsSpan(1), CultureInfo.InvariantCulture), StreamPages.Decode(entity.GetBinary("E"))));
        }

        if (pages.Count > 0)
        {
            Advance(day, pages[^1].Number + 1);
        }

        return pages;
    }

    public async Task<long> CountPagesAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        return await FindEndAsync(day, _next.TryGetValue(day, out var known) ? known : 1, cancellationToken) - 1;
    }

    public async Task PruneAsync(DateOnly firstKept, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var rows = new List<(string Partition, string Row)>();
        await foreach (var entity in table.QueryAllAsync($"PartitionKey lt {Partition(firstKept)}", ["PartitionKey", "RowKey"], cancellationToken))
        {
            rows.Add((entity.PartitionKey, entity.RowKey));
        }

        foreach (var group in rows.GroupBy(r => r.Partition))
        {
            foreach (var chunk in group.Chunk(StoreTable.MaxTransactionSize))
            {
                await table.SubmitTransactionAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.Partition, r.Row), ETag.All))], cancellationToken);
            }
        }

        foreach (var day in _next.Keys.Where(d => d < firstKept))
        {
            _next.TryRemove(day, out _);
        }
    }

    /// <summary>
    /// One transaction: <paramref name="guard"/> (the append's marker or the close's state) first, then the pages at
    /// the journal's end. False when the guard failed (appended before, or closed by someone else).
    /// </summary>
    private async Task<bool> WriteAsync(DateOnly day, TableTransactionAction guard, IReadOnlyList<StreamRecord> events, CancellationToken cancellationToken)
    {
        await table.EnsureCreatedAsync(cancellationToken);
        var pages = StreamPages.Split(events);
        if (pages.Count > MaxPagesPerWrite)
        {
            throw new InvalidOperationException($"{events.Count} stream events need {pages.Count} pages; one write holds at most {MaxPagesPerWrite}.");
        }

        var partition = Partition(day);
        var next = await NextPageAsync(day, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var actions = new List<TableTransactionAction>(pages.Count + 1) { guard };
            for (var i = 0; i < pages.Count; i++)
            {
                var entity = new TableEntity(partition, PageRow(next + i)) { ["E"] = StreamPages.Encode(pages[i]) };
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                Advance(day, next + pages.Count);
                return true;
            }
            catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.PreconditionFailed or StoreFailure.NotFound)
            {
                if (e.OperationIndex is null or 0)
                {
                    return false;
                }

                // Another instance took the page number: find the end again.
                next = await FindEndAsync(day, next, cancellationToken);
            }
        }

        throw new StoreException(StoreFailure.Unavailable, $"The stream journal of {day:yyyy-MM-dd} stayed contended for {MaxAttempts} attempts.");
    }

    private async Task<long> NextPageAsync(DateOnly day, CancellationToken cancellationToken) =>
        _next.TryGetValue(day, out var next) ? next : await FindEndAsync(day, 1, cancellationToken);

    /// <summary>The number after the journal's last page, reading the page rows from <paramref name="from"/> on.</summary>
    private async Task<long> FindEndAsync(DateOnly day, long from, CancellationToken cancellationToken)
    {
        var next = from;
        await foreach (var entity in table.QueryAllAsync($"PartitionKey eq {Partition(day)} and RowKey ge {PageRow(from)} and RowKey lt {"q"}", ["RowKey"], cancellationToken))
        {
            next = Math.Max(next, long.Parse(entity.RowKey.AsSpan(1), CultureInfo.InvariantCulture) + 1);
        }

        Advance(day, next);
        return _next[day];
    }

    private void Advance(DateOnly day, long next) => _next.AddOrUpdate(day, next, (_, held) => Math.Max(held, next));

    private static string Partition(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string PageRow(long page) => "p" + page.ToString("D12", CultureInfo.InvariantCulture);
}
