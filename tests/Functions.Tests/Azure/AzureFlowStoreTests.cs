using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// The Azure aggregate store's exactly-once effect and cost on a stretch of the simulated tape: whatever the
/// redeliveries, writers and failures, every figure equals one clean pass through the memory store.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureFlowStoreTests(AzuriteFixture azurite) : IClassFixture<AzureFlowStoreTests.Tape>
{
    private const int Minutes = 10;
    private static readonly DateTimeOffset Now = SimulatedDays.Open.AddMinutes(Minutes);

    [Fact]
    public async Task ARedeliveredBatchChangesNothingEvenWhenItsReceiptWasLost()
    {
        var tape = new Tape();
        var names = AzuriteFixture.UniqueName("f");
        using var first = AzureTestClients.FlowStore(azurite, names);
        foreach (var commit in tape.Commits)
        {
            Assert.True((await first.CommitAsync(commit, default)).Applied);
        }

        Assert.Equal(tape.Expected, await StoreFigures.FiguresAsync(first, tape.Symbols, Now));

        // A crash after the rows and before the receipts of the last batches in flight: their redelivery finds no receipt,
        // so only the rows' batch tags stand between it and double counting. Every batch comes again, in another order,
        // to a second store that starts cold, without the first one's cached rows.
        var receipts = AzureTestClients.TableNamed(azurite, names + "receipts");
        foreach (var lost in tape.Commits.TakeLast(5))
        {
            await receipts.DeleteEntityAsync("r", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lost.BatchId))), "*", default);
            Assert.Null(await first.FindReceiptAsync(lost.BatchId, default));
        }

        using var second = AzureTestClients.FlowStore(azurite, names);
        foreach (var commit in tape.Commits.OrderBy(c => c.BatchId.GetHashCode(StringComparison.Ordinal)))
        {
            await second.CommitAsync(commit, default);
            Assert.False((await first.CommitAsync(commit, default)).Applied);
        }

        Assert.Equal(tape.Expected, await StoreFigures.FiguresAsync(second, tape.Symbols, Now));
    }

    [Fact]
    public async Task TwoWritersOnTheSamePartitionsGiveOnePassOfTotals()
    {
        var tape = new Tape();
        var names = AzuriteFixture.UniqueName("f");
        using var isolation = new OneTransactionAtATime();
        using var a = AzureTestClients.FlowStore(azurite, names, isolation);
        using var b = AzureTestClients.FlowStore(azurite, names, isolation);

        // Both writers receive every batch (a partition hand-over at its worst), in different orders, at the same time.
        var random = new Random(7);
        var forA = tape.Commits.OrderBy(_ => random.Next()).ToArray();
        var forB = tape.Commits.OrderBy(_ => random.Next()).ToArray();
        await Task.WhenAll(Task.Run(() => DeliverAsync(a, forA)), Task.Run(() => DeliverAsync(b, forB)));

        Assert.Equal(tape.Expected, await StoreFigures.FiguresAsync(a, tape.Symbols, Now));
    }

    [Fact]
    public async Task ACommitThatFailsHalfwayCountsOnceWhenRetried()
    {
        var tape = new Tape();
        var names = AzuriteFixture.UniqueName("f");
        var faults = new FailEveryNthTransaction(3);
        using var flaky = AzureTestClients.FlowStore(azurite, names, faults);
        using var steady = AzureTestClients.FlowStore(azurite, names);
        var failures = 0;
        foreach (var commit in tape.Commits)
        {
            try
            {
                await flaky.CommitAsync(commit, default);
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Unavailable)
            {
                // What the Functions host does with a failed invocation: deliver the batch again (here to another instance).
                failures++;
                await steady.CommitAsync(commit, default);
            }
        }

        Assert.True(failures > 0);
        Assert.Equal(tape.Expected, await StoreFigures.FiguresAsync(steady, tape.Symbols, Now));
    }

    [Fact]
    public async Task RowsWrittenAsDeltasAndCompactedReadAsOnePass()
    {
        // Batches of four events on two names: every batch writes a delta to the same few rows (the day's rollups, the
        // spot row, the contract rows), so each of them passes its delta log's limit and is compacted, several times.
        var payloads = SimulatedDays.Payloads(SimulatedDays.Morning(2, 4), 4);
        var commits = StoreFigures.Commits(payloads);
        var symbols = new MarketSimulator(new SimulatorOptions { UniverseSize = 2 }, SimulatedDays.Friday).Universe.Select(u => u.Symbol).ToArray();
        using var memory = new MemoryFlowStore();
        var names = AzuriteFixture.UniqueName("f");
        using var store = AzureTestClients.FlowStore(azurite, names);
        foreach (var commit in commits)
        {
            await memory.CommitAsync(commit, default);
            await store.CommitAsync(commit, default);
        }

        var stats = store.WriteStats;
        Assert.True(stats.Compactions >= 3 && stats.Deltas > 10 * stats.Compactions, $"{commits.Count} batches: {stats.Inserts} inserts, {stats.Deltas} deltas, {stats.Compactions} compactions");
        var expected = await StoreFigures.FiguresAsync(memory, symbols, Now);
        Assert.Equal(expected, await StoreFigures.FiguresAsync(store, symbols, Now));

        // A cold store reads the same rows, deltas and all; a redelivery of every batch to it writes nothing.
        using var cold = AzureTestClients.FlowStore(azurite, names);
        Assert.Equal(expected, await StoreFigures.FiguresAsync(cold, symbols, Now));
        var receipts = AzureTestClients.TableNamed(azurite, names + "receipts");
        foreach (var commit in commits)
        {
            await receipts.DeleteEntityAsync("r", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(commit.BatchId))), "*", default);
        }

        foreach (var commit in commits.TakeLast(40))
        {
            await cold.CommitAsync(commit, default);
        }

        Assert.Equal(0, cold.WriteStats.Rows);
        Assert.Equal(expected, await StoreFigures.FiguresAsync(cold, symbols, Now));
    }

    [Fact]
    public async Task TheFullMarketTapeCostsAtMostTwentyStorageRequestsPerThousandPrintsAndACancelAtMostTwelve()
    {
        // The prints' cost on the tape without its cancels; a cancel's on the same tape with them (docs/storage.md, "Cancels").
        async Task<(long Requests, long Prints, int Cancels)> CostAsync(TapeRealism realism)
        {
            var commits = StoreFigures.Commits(SimulatedDays.Payloads(SimulatedDays.Morning(64, 30, realism), 1_000));
            var counter = new StorageRequestCounter();
            using var store = AzureTestClients.FlowStore(azurite, null, counter);
            await store.FindReceiptAsync("warm-up", default); // creates the tables
            counter.Reset();
            foreach (var commit in commits)
            {
                await store.CommitAsync(commit, default);
            }

            return (counter.Requests, commits.Sum(c => c.Fold.Stats.Prints), commits.Sum(c => c.Fold.Cancels.Count));
        }

        var (requests, prints, _) = await CostAsync(SimulatedDays.WithoutCancels);
        var perThousand = requests * 1_000.0 / prints;
        Assert.True(perThousand <= 20, $"{requests} requests for {prints} prints: {perThousand:F1} per 1,000");

        var (withCancels, _, cancels) = await CostAsync(TapeRealism.Default);
        var perCancel = (withCancels - requests) / (double)cancels;
        Assert.True(cancels > 0 && perCancel <= 12, $"{withCancels - requests} more requests for {cancels} cancels: {perCancel:F1} each");
    }

    /// <summary>
    /// Commits batches as the Functions host delivers them: a batch whose commit failed (here: a writer that lost the
    /// compare-and-swap on a row too many times in a row to the other writer) is delivered again.
    /// </summary>
    private static async Task DeliverAsync(AzureFlowStore store, IEnumerable<FlowCommit> commits)
    {
        foreach (var commit in commits)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await store.CommitAsync(commit, default);
                    break;
                }
                catch (StoreException e) when (e.Failure is StoreFailure.PreconditionFailed or StoreFailure.Conflict && attempt < 5)
                {
                }
            }
        }
    }

    /// <summary>Twelve underlyings over the first 10 minutes in batches of 150 events (no cancels), and one clean pass's figures.</summary>
    public sealed class Tape
    {
        public Tape()
        {
            // Delivered out of order by some tests, where a cancel could come before its print: the tape without cancels.
            Commits = StoreFigures.Commits(SimulatedDays.Payloads(SimulatedDays.Morning(12, Minutes, SimulatedDays.WithoutCancels), 150));
            Symbols = new MarketSimulator(new SimulatorOptions { UniverseSize = 12 }, SimulatedDays.Friday).Universe.Select(u => u.Symbol).ToArray();
            using var memory = new MemoryFlowStore();
            foreach (var commit in Commits)
            {
                memory.CommitAsync(commit, default).GetAwaiter().GetResult();
            }

            Expected = StoreFigures.FiguresAsync(memory, Symbols, Now).GetAwaiter().GetResult();
        }

        public List<FlowCommit> Commits { get; }

        public string[] Symbols { get; }

        public string Expected { get; }
    }

    /// <summary>
    /// Lets one entity-group transaction at a time reach Azurite. Azure Table Storage isolates transactions; Azurite
    /// (3.35, and still 3.37.0) does not: it keeps one rollback list for all transactions in flight
    /// (<c>LokiTableMetadataStore</c>, <c>transactionRollbackTheseEntities</c>), so a transaction failing with 412 can
    /// roll back rows another one is writing at the same moment. The writers still interleave freely between transactions, which is the race the store
    /// must resolve (stale ETags, 412s, reloads, the same batch written twice).
    /// </summary>
    private sealed class OneTransactionAtATime : HttpPipelinePolicy, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            await _gate.WaitAsync();
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose() => _gate.Dispose();
    }

    /// <summary>Fails every n-th entity-group transaction as a dropped connection would, before it reaches storage.</summary>
    private sealed class FailEveryNthTransaction(int n) : HttpPipelinePolicy
    {
        private int _transactions;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Increment(ref _transactions) % n == 0)
            {
                throw new HttpRequestException("Injected: connection reset");
            }

            return ProcessNextAsync(message, pipeline);
        }
    }
}
