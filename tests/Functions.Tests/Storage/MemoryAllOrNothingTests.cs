using System.Text;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// The memory store's commit is all or nothing (docs/reliability.md, "What no feed can do"): a commit that throws at
/// any of its steps leaves every read as it was, and the same batch committed again counts once.
/// </summary>
public sealed class MemoryAllOrNothingTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);
    private static readonly string[] Symbols = ["SPY", "QQQ"];

    public static TheoryData<string> Steps => new() { "minutes", "contracts", "zero-dte", "ledger", "chains", "spots", "cancels", "print-ids" };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task ACommitThatThrowsAtAnyStepChangesNothingAndItsRetryCountsOnce(string step)
    {
        using var clean = new MemoryFlowStore();
        using var store = new MemoryFlowStore();
        foreach (var s in new[] { clean, store })
        {
            await s.CommitAsync(Commit("b-1", First), default);
        }

        var before = await StoreFigures.FiguresAsync(store, Symbols, Now);
        var thrown = 0;
        store.AfterCommitStep = name =>
        {
            if (name == step)
            {
                thrown++;
                throw new InvalidOperationException("injected at " + name);
            }
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(Commit("b-2", Second), default));
        Assert.Equal(1, thrown);
        Assert.Equal(before, await StoreFigures.FiguresAsync(store, Symbols, Now));
        Assert.Null(await store.FindReceiptAsync("b-2", default));
        Assert.Empty(await store.FindCountedPrintsAsync([new PrintKey("SPY", MinuteBucket.Of(Now.AddMinutes(-3)), TradeId.From("s-3"))], "b-9", default));

        store.AfterCommitStep = null;
        Assert.True((await store.CommitAsync(Commit("b-2", Second), default)).Applied);
        Assert.False((await store.CommitAsync(Commit("b-2", Second), default)).Applied);
        await clean.CommitAsync(Commit("b-2", Second), default);
        var after = await StoreFigures.FiguresAsync(store, Symbols, Now);
        Assert.NotEqual(before, after);
        Assert.Equal(await StoreFigures.FiguresAsync(clean, Symbols, Now), after);
    }

    /// <summary>Prints on two names, 0DTE and later expiries, a chain and a spot.</summary>
    private static string[] First =>
    [
        Chain("18:30:00", 589),
        Trade("s-1", "SPY", "18:40:05", "2026-06-05", 10, 589.1),
        Trade("s-2", "SPY", "18:40:20", "2026-06-19", 5, 589.2),
        Trade("q-1", "QQQ", "18:40:30", "2026-06-05", 7, 0),
    ];

    /// <summary>New prints in a minute held and a new one, a cancel of a print of the first batch, a newer chain and spot.</summary>
    private static string[] Second =>
    [
        Trade("s-3", "SPY", "18:42:00", "2026-06-05", 3, 590.4),
        Trade("s-4", "SPY", "18:40:50", "2026-06-05", 2, 0),
        Trade("q-2", "QQQ", "18:43:00", "2026-06-19", 9, 0),
        """{"type":"cancel","ts":"2026-06-05T18:40:05Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","id":"s-1"}""",
        Chain("18:43:30", 590.7),
        """{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"QQQ","price":512.5}""",
    ];

    private static string Trade(string id, string symbol, string time, string expiry, int size, double spot) =>
        $$"""{"type":"trade","ts":"2026-06-05T{{time}}Z","underlying":"{{symbol}}","expiry":"{{expiry}}","strike":590,"right":"C","price":1.5,"size":{{size}},"side":"buy",{{(spot > 0 ? $"\"spot\":{spot}," : "")}}"iv":0.2,"id":"{{id}}"}""";

    private static string Chain(string time, double spot) =>
        $$"""{"type":"chain","ts":"2026-06-05T{{time}}Z","underlying":"SPY","spot":{{spot}},"contracts":[{"expiry":"2026-06-05","strike":590,"right":"C","oi":1000,"iv":0.2,"bid":1.4,"ask":1.6}]}""";

    private static FlowCommit Commit(string id, string[] events)
    {
        var batch = new EventParser(new SymbolTable()).Parse(Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]"));
        Assert.Empty(batch.Rejections);
        var market = new MarketState();
        var fold = new FlowFold(PricingParameters.Default);
        fold.AddBatch(batch, market);
        var spots = new Dictionary<string, SpotMark>(StringComparer.Ordinal);
        foreach (var symbol in Symbols)
        {
            if (market.TryGetSpot(symbol, out var mark))
            {
                spots[symbol] = mark;
            }
        }

        return new FlowCommit(id, fold, batch.Chains.ToArray(), spots, new IngestReceipt("hash-" + id, batch.Order.Count, 0, [], Now));
    }
}
