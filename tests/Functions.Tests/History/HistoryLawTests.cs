using System.Net;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Functions.Leaderboards;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.History;

/// <summary>
/// The law that defines <c>at</c> (docs/api.md "History"): for any instant m of a day, every endpoint's answer with
/// <c>at=m</c>, asked after the whole day was loaded, is byte for byte the answer a fresh instance gives at m having
/// received only the events stamped up to m, in the order they came. The day has late prints (stamped before they
/// arrive) and cancels in it.
/// </summary>
public sealed class HistoryLawTests
{
    private const int Instants = 50;

    /// <summary>After the close of the simulated Friday: the full instance's clock.</summary>
    internal static readonly DateTimeOffset Evening = new(2026, 6, 5, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnAnswerAtAnInstantIsTheAnswerOfAnInstanceThatHadOnlyTheEventsStampedByThenOnTheMemoryStore()
    {
        await using var full = new FlowApiFactory(now: Evening);
        await CheckAsync(full);
    }

    /// <summary>
    /// Loads the tape whole into <paramref name="full"/>, then at <see cref="Instants"/> random instants compares every
    /// endpoint's answer with <c>at</c> to a fresh memory instance's at that instant (the stores answer alike: the
    /// store contract tests).
    /// </summary>
    internal static async Task CheckAsync(FlowApiFactory full, double intensity = 0.5, int batchSize = 2_000)
    {
        var tape = Tape(intensity);
        Assert.Contains(tape.Order, e => e.Kind == MarketEventKind.Cancel);
        Assert.Contains(tape.Trades, t => t.Conditions.HasFlag(TradeConditions.Late));

        await IngestAsync(full, tape, batchSize);
        using var asker = full.ClientWithKey(Keys.Alpha);

        var random = new Random(38);
        var names = tape.Trades.Select(t => t.Underlying).Distinct().Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < Instants; i++)
        {
            // Any instant of the session, to the millisecond, and now and then one exactly on a minute.
            var at = SimulatedDays.Open.AddMilliseconds(random.NextInt64((long)TimeSpan.FromMinutes(390).TotalMilliseconds));
            if (i % 5 == 0)
            {
                at = new DateTimeOffset(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            }

            var symbol = names[random.Next(names.Length)];
            await using var fresh = new FlowApiFactory(now: at);
            await IngestAsync(fresh, StampedBy(tape, at));

            // The leaderboard answers from the 30-second snapshots; the timer's run at start saw an empty store, and the
            // run at m is the one whose board is asked for.
            await fresh.Services.GetRequiredService<LeaderboardSnapshots>().RefreshAsync(default);
            using var live = fresh.ClientWithKey(Keys.Alpha);
            foreach (var url in Urls(symbol))
            {
                var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                var expected = await BodyAsync(live, url);
                var actual = await BodyAsync(asker, $"{url}{separator}at={Uri.EscapeDataString(at.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"))}");
                Assert.True(expected == actual, $"{url} at {at:O}:\nfresh instance: {expected}\nwith at:        {actual}");
            }
        }
    }

    [Fact]
    public async Task AnAtThatIsMalformedInTheFutureOrBeforeTheRetentionIsRefusedWithItsOwnCode()
    {
        await using var app = new FlowApiFactory(now: Evening);
        using var client = app.ClientWithKey(Keys.Alpha);
        foreach (var (at, code) in new[]
        {
            ("yesterday", "invalid_at"),
            ("2026-06-05T14:31:00", "invalid_at"), // no offset: which 14:31?
            ("2026-06-05", "invalid_at"),
            ("2026-06-05T21:00:01Z", "at_out_of_range"),
            ("2026-05-01T14:00:00Z", "at_out_of_range"),
        })
        {
            using var response = await client.GetAsync($"/v1/flow/summary/SPY?at={Uri.EscapeDataString(at)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"\"{code}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An unescaped + arrives as a space; it is read as the offset's sign.
        using var plus = await client.GetAsync("/v1/flow/options/SPY/cumulative?at=2026-06-05T18:31:00+00:00");
        Assert.Equal(HttpStatusCode.OK, plus.StatusCode);
    }

    private static string[] Urls(string symbol) =>
    [
        $"/v1/flow/options/{symbol}/cumulative?minutes=390",
        $"/v1/flow/zero-dte/strike-flow/{symbol}?minutes=390",
        $"/v1/flow/summary/{symbol}",
        $"/v1/strategies/flow-anomaly/{symbol}",
        "/v1/flow/options/leaderboard?windowMinutes=60&n=10",
    ];

    /// <summary>
    /// The simulated day of the 64 core names (the simulator's smallest universe) at <paramref name="intensity"/> of its
    /// print rate, with many more late prints and cancels than a real tape has.
    /// </summary>
    private static EventBatch Tape(double intensity) =>
        SimulatedDays.Simulator(seed: 38, intensity: intensity, realism: TapeRealism.Default with { Late = 0.05, Cancelled = 0.02 }).FullDay();

    /// <summary>The events of <paramref name="tape"/> stamped at or before <paramref name="at"/>, in the order they came.</summary>
    private static EventBatch StampedBy(EventBatch tape, DateTimeOffset at)
    {
        var kept = new EventBatch();
        foreach (var e in tape.Order)
        {
            if (tape.Stamp(e).Timestamp > at)
            {
                continue;
            }

            switch (e.Kind)
            {
                case MarketEventKind.Trade:
                    kept.Order.Add(new EventRef(e.Kind, kept.Trades.Count));
                    kept.Trades.Add(tape.Trades[e.Position]);
                    break;
                case MarketEventKind.Spot:
                    kept.Order.Add(new EventRef(e.Kind, kept.Spots.Count));
                    kept.Spots.Add(tape.Spots[e.Position]);
                    break;
                case MarketEventKind.Chain:
                    kept.Order.Add(new EventRef(e.Kind, kept.Chains.Count));
                    kept.Chains.Add(tape.Chains[e.Position]);
                    break;
                default:
                    kept.Order.Add(new EventRef(e.Kind, kept.Cancels.Count));
                    kept.Cancels.Add(tape.Cancels[e.Position]);
                    break;
            }
        }

        return kept;
    }

    private static async Task IngestAsync(FlowApiFactory app, EventBatch tape, int batchSize = 2_000)
    {
        foreach (var payload in SimulatedDays.Payloads(tape, batchSize))
        {
            var receipt = await app.IngestAsync(payload);
            Assert.True(receipt.GetProperty("rejected").GetInt32() == 0, receipt.GetRawText());
        }
    }

    private static async Task<string> BodyAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }
}
