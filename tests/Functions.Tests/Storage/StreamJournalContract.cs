using FlowFunctions.Analytics.Streaming;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// What every <see cref="IStreamJournal"/> promises (docs/storage.md "Stream journal"): pages numbered from 1 without
/// gaps whoever appends, an append id counted once, a close taken only over the state it was computed from, and
/// journals of earlier days pruned. <see cref="CreateJournals"/> gives two handles on one journal (two instances).
/// </summary>
public abstract class StreamJournalContract
{
    private static readonly DateOnly Day = new(2026, 6, 5);

    protected abstract (IStreamJournal First, IStreamJournal Second) CreateJournals();

    [Fact]
    public async Task AppendsBecomePagesInOrderWithoutGapsAndAnAppendIdCountsOnce()
    {
        var (journal, _) = CreateJournals();
        Assert.Empty(await journal.ReadAsync(Day, 1, 10, default));
        Assert.True(await journal.AppendAsync(Day, "a", Events("a", 3), default));

        // Larger than a page: cut into two, never inside an event.
        var big = Events("b", 400, padding: 200);
        Assert.True(await journal.AppendAsync(Day, "b", big, default));
        Assert.False(await journal.AppendAsync(Day, "a", Events("a-again", 3), default));
        Assert.True(await journal.AppendAsync(Day, "c", Events("c", 1), default));

        var pages = await journal.ReadAsync(Day, 1, 100, default);
        Assert.Equal(Enumerable.Range(1, pages.Count).Select(n => (long)n), pages.Select(p => p.Number));
        Assert.True(pages.Count >= 4, $"{pages.Count} pages");
        Assert.Equal([.. Events("a", 3), .. big, .. Events("c", 1)], pages.SelectMany(p => p.Events));
        Assert.Equal(pages.Count, await journal.CountPagesAsync(Day, default));
        Assert.Equal(pages.Skip(2), await journal.ReadAsync(Day, 3, 100, default), new PageComparer());
        Assert.Empty(await journal.ReadAsync(Day.AddDays(1), 1, 10, default));
    }

    [Fact]
    public async Task TwoWritersAppendingAtOnceNumberEveryPageOnceAndKeepEachAppendWhole()
    {
        var (first, second) = CreateJournals();
        var appends = Enumerable.Range(0, 40).Select(i => $"append-{i}").ToArray();
        await Task.WhenAll(appends.SelectMany(id => new[]
        {
            Task.Run(() => first.AppendAsync(Day, id, Events(id, 2), default)),
            Task.Run(() => second.AppendAsync(Day, id, Events(id, 2), default)), // the same batch through another instance
        }));

        var pages = await first.ReadAsync(Day, 1, 1000, default);
        Assert.Equal(Enumerable.Range(1, pages.Count).Select(n => (long)n), pages.Select(p => p.Number));
        var events = pages.SelectMany(p => p.Events).ToList();
        Assert.Equal(appends.Length * 2, events.Count);
        foreach (var id in appends)
        {
            var at = events.FindIndex(e => e.Symbol == id);
            Assert.Equal(Events(id, 2), events.GetRange(at, 2));
        }

        Assert.Equal(pages.Count, await second.CountPagesAsync(Day, default));
    }

    [Fact]
    public async Task ACloseReplacesTheStateOnlyIfNobodyClosedFirstAndAppendsWithIt()
    {
        var (first, second) = CreateJournals();
        var initial = await first.ReadStateAsync(Day, default);
        Assert.Equal(string.Empty, initial.ETag);
        Assert.Equal(StreamDayState.Initial(Day).LastClosedMinute, initial.State.LastClosedMinute);
        Assert.Empty(initial.State.Symbols);

        var after = State(initial.State.LastClosedMinute + 5, 3);
        var racing = await second.ReadStateAsync(Day, default);
        Assert.True(await first.TryCloseAsync(Day, initial, after, Events("close", 2), default));
        Assert.False(await second.TryCloseAsync(Day, racing, State(initial.State.LastClosedMinute + 1, 1), Events("lost", 2), default));

        var read = await second.ReadStateAsync(Day, default);
        Assert.Equal(after.Encode(), read.State.Encode());
        Assert.NotEqual(string.Empty, read.ETag);
        Assert.Equal(Events("close", 2), (await second.ReadAsync(Day, 1, 10, default)).SelectMany(p => p.Events));

        // A close with nothing to say still moves the state; an append between does not disturb it.
        Assert.True(await first.AppendAsync(Day, "blocks", Events("blocks", 1), default));
        Assert.True(await second.TryCloseAsync(Day, read, read.State with { LastClosedMinute = read.State.LastClosedMinute + 60 }, [], default));
        Assert.Equal(read.State.LastClosedMinute + 60, (await first.ReadStateAsync(Day, default)).State.LastClosedMinute);
        Assert.Equal(2, await first.CountPagesAsync(Day, default));
    }

    [Fact]
    public async Task TheStateOfSixThousandSymbolsRoundTrips()
    {
        var (journal, _) = CreateJournals();
        var initial = await journal.ReadStateAsync(Day, default);
        var big = State(initial.State.LastClosedMinute + 1, 6_000);
        Assert.True(await journal.TryCloseAsync(Day, initial, big, [], default));
        Assert.Equal(big.Encode(), (await journal.ReadStateAsync(Day, default)).State.Encode());
    }

    [Fact]
    public async Task PruningDropsEarlierDaysOnly()
    {
        var (journal, _) = CreateJournals();
        foreach (var day in new[] { Day.AddDays(-2), Day.AddDays(-1), Day })
        {
            Assert.True(await journal.AppendAsync(day, "x", Events(day.ToString("O"), 1), default));
            var state = await journal.ReadStateAsync(day, default);
            Assert.True(await journal.TryCloseAsync(day, state, State(state.State.LastClosedMinute + 1, 2), [], default));
        }

        await journal.PruneAsync(Day.AddDays(-1), default);
        Assert.Empty(await journal.ReadAsync(Day.AddDays(-2), 1, 10, default));
        Assert.Equal(string.Empty, (await journal.ReadStateAsync(Day.AddDays(-2), default)).ETag);
        Assert.Single(await journal.ReadAsync(Day.AddDays(-1), 1, 10, default));
        Assert.Single(await journal.ReadAsync(Day, 1, 10, default));
        Assert.True(await journal.AppendAsync(Day.AddDays(-2), "x", Events("again", 1), default));
    }

    private static List<StreamRecord> Events(string symbol, int count, int padding = 0) =>
        [.. Enumerable.Range(0, count).Select(i => new StreamRecord((StreamEventKind)(1 + (i % 3)), symbol, $"{{\"n\":{i},\"pad\":\"{new string('x', padding)}\"}}"))];

    private static StreamDayState State(long lastClosed, int symbols) => new(
        lastClosed,
        Enumerable.Range(0, symbols).ToDictionary(
            i => $"S{i:D5}",
            i => new SymbolStreamState(i * 7 - 100, i % 3 == 0 ? null : new SymbolRead(i % 100, "long_gamma", "neutral")),
            StringComparer.Ordinal));

    private sealed class PageComparer : IEqualityComparer<StreamPage>
    {
        public bool Equals(StreamPage? x, StreamPage? y) => x!.Number == y!.Number && x.Events.SequenceEqual(y.Events);

        public int GetHashCode(StreamPage obj) => obj.Number.GetHashCode();
    }
}

public sealed class MemoryStreamJournalContractTests : StreamJournalContract
{
    protected override (IStreamJournal First, IStreamJournal Second) CreateJournals()
    {
        var journal = new MemoryStreamJournal();
        return (journal, journal);
    }
}
