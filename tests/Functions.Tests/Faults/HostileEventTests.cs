using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFunctions.Functions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FlowFunctions.Functions.Tests.Faults;

/// <summary>
/// A simulated tape through the Event Hubs trigger on Azurite with 10,000 of its prints (a random half of them) mutated into something no feed
/// should send (wrong types, missing fields, NaN, huge numbers, hostile unicode, deep nesting, 1 MB strings, invalid
/// OCC symbols, timestamps far in the past or future, truncated JSON). Every batch answers 200, every mutated event is
/// dead-lettered with a reason at its own index, and the valid siblings fold to exactly what they fold to alone.
/// </summary>
public sealed partial class HostileEventTests(DedicatedAzurites azurites, ITestOutputHelper output) : OwnAzuriteFaultTest(azurites, output)
{
    private const int Mutated = 10_000;
    private const int BatchSize = 100;
    private const int Partitions = 4;

    private static readonly string Megabyte = new('S', 1 << 20);

    /// <summary>Each mutation, by name: every one makes a valid print invalid (an empty array is not one: it holds no event).</summary>
    private static readonly (string Name, Func<JsonObject, Random, string> Apply)[] Mutations =
    [
        ("price as text", (e, _) => Set(e, "price", "1.25")),
        ("size as boolean", (e, _) => Set(e, "size", true)),
        ("strike as array", (e, _) => Set(e, "strike", new JsonArray(1, 2))),
        ("ts as number", (e, _) => Set(e, "ts", 1_780_000_000)),
        ("underlying as number", (e, _) => Set(e, "underlying", 42)),
        ("right as object", (e, _) => Set(e, "right", new JsonObject { ["C"] = 1 })),
        ("missing field", (e, r) => Without(e, new[] { "type", "ts", "underlying", "price", "size", "strike", "right", "expiry" }[r.Next(8)])),
        ("NaN literal", (e, _) => Raw(e, "price", "NaN")),
        ("Infinity literal", (e, _) => Raw(e, "size", "Infinity")),
        ("NaN text", (e, _) => Set(e, "price", "NaN")),
        ("price 1e308", (e, _) => Raw(e, "price", "1e308")),
        ("strike 1e400", (e, _) => Raw(e, "strike", "1e400")),
        ("size beyond long", (e, _) => Raw(e, "size", "9223372036854775808")),
        ("size beyond the limit", (e, _) => Set(e, "size", 20_000_000)),
        ("negative price", (e, _) => Set(e, "price", -1.5)),
        ("zero size", (e, _) => Set(e, "size", 0)),
        ("fractional size", (e, _) => Set(e, "size", 1.5)),
        ("unicode underlying", (e, r) => Set(e, "underlying", new[] { "ŠPY", "SPY\u0000", "\ud83d\ude80", "\u202eYPS", "ＳＰＹ", "SP\u0301Y" }[r.Next(6)])),
        ("lone surrogate", (e, _) => Raw(e, "underlying", "\"\\ud800SPY\"")),
        ("fullwidth right", (e, _) => Set(e, "right", "Ｃ")),
        ("deeply nested value", (e, _) => Raw(e, "price", new string('[', 5_000) + new string(']', 5_000))),
        ("event nested in arrays", (e, _) => new string('[', 200) + e.ToJsonString() + new string(']', 200)),
        ("1 MB underlying", (e, _) => Set(e, "underlying", Megabyte)),
        ("1 MB exchange", (e, _) => Set(e, "exchange", Megabyte)),
        ("1 MB id", (e, _) => Set(e, "id", Megabyte)),
        ("invalid OCC symbol", (e, r) => Contract(e, new[] { "SPY260605X00590000", "O:SPY", "SPY 260632C00590000", "SPY260605C0059000", "O:SPY260605C-0590000", "SPYSPYSPYSPYSPY260605C00590000", "260605C00590000", "" }[r.Next(8)])),
        ("ts far in the past", (e, r) => Set(e, "ts", new[] { "1970-01-01T00:00:00Z", "2026-05-01T14:00:00Z", "0001-01-01T00:00:00Z" }[r.Next(3)])),
        ("ts far in the future", (e, r) => Set(e, "ts", new[] { "2100-01-01T00:00:00Z", "2026-06-06T14:00:00Z", "9999-12-31T23:59:59Z" }[r.Next(3)])),
        ("ts malformed", (e, r) => Set(e, "ts", new[] { "2026-06-05T25:61:00Z", "2026-06-05 18:00", "yesterday", "2026-06-05T18:00:00", "" }[r.Next(5)])),
        ("unknown type", (e, _) => Set(e, "type", "quote")),
        ("not an object", (_, r) => new[] { "42", "\"trade\"", "null", "true", "[42]" }[r.Next(5)]),
        ("truncated", (e, r) => { var s = e.ToJsonString(); return s[..r.Next(1, s.Length - 1)]; }),
        ("expiry before the trade", (e, _) => Set(e, "expiry", "2026-06-04")),
        ("strike zero", (e, _) => Set(e, "strike", 0)),
    ];

    [Fact]
    public async Task TenThousandMutatedEventsAreDeadLetteredWithReasonsAndTheirSiblingsFolded()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        // Routed round-robin, a cancel can reach the store before its print and find nothing: the tape without cancels.
        var tape = SessionTape.Simulate(FaultApps.Date, 4, TimeSpan.Zero, intensity: 0.1, realism: SimulatedDays.WithoutCancels);

        // Half of the prints mutated, up to 10,000 of them; chains and spots kept, so the valid prints have their context.
        var messages = new List<(string Json, string? Mutation)>();
        var mutations = 0;
        foreach (var json in tape.Deliveries(int.MaxValue, 1)[0][0].Messages)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            if ((string?)node["type"] == "trade" && random.Next(2) == 0)
            {
                var (name, apply) = Mutations[random.Next(Mutations.Length)];
                messages.Add((apply(node, random), name));
                if (++mutations == Mutated)
                {
                    break;
                }
            }
            else
            {
                messages.Add((json, null));
            }
        }

        Assert.Equal(Mutated, mutations);
        var mutated = messages.Count(m => m.Mutation is not null);
        var dirty = Batches(messages);
        var clean = Batches([.. messages.Where(m => m.Mutation is null)]);

        await using var own = await Azurite.StartOwnAsync();
        var prefix = AzuriteFixture.UniqueName("hostile");
        var folded = 0;
        var refused = 0;
        using (var app = new FlowApiFactory(FlowApiFactory.AzureSettings(own.Account, prefix, functionApp: true), FaultApps.AfterClose))
        {
            using var client = app.CreateClient();
            foreach (var (delivery, _) in dirty)
            {
                var (status, logs) = await FaultApps.DeliverAsync(client, delivery);
                Assert.True(status == HttpStatusCode.OK, $"seed {seed}: {(int)status} {string.Join(' ', logs)}");
                var counts = Summary().Match(string.Join(' ', logs));
                Assert.True(counts.Success, string.Join(' ', logs));
                folded += int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                refused += int.Parse(counts.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            // Every refused event in a dead letter at its own index, with a reason; nothing else there.
            var letters = await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10_000, default);
            var expected = dirty.Where(b => b.Mutated.Count > 0).ToDictionary(
                b => EventHubIngest.BatchId(Stream(b.Delivery.Partition), b.Delivery.FirstSequence), b => b.Mutated);
            Assert.Equal(expected.Count, letters.Count);
            foreach (var letter in letters)
            {
                Assert.True(expected.TryGetValue(letter.BatchId, out var indices), $"an unexpected dead letter {letter.BatchId}");
                Assert.True(indices.SequenceEqual(letter.Events.Select(e => e.Index).Order()), $"{letter.BatchId}: expected {string.Join(",", indices)}\n"
                    + string.Join("\n", letter.Events.Select(e => $"{e.Index} {e.Reason} {e.Raw[..Math.Min(80, e.Raw.Length)]}")));
                Assert.All(letter.Events, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
                Assert.All(letter.Events, e => Assert.InRange(e.Raw.Length, 1, 4_096));
            }

            var reasons = letters.SelectMany(l => l.Events).GroupBy(e => Regex.Replace(e.Reason, "[0-9]+", "#")).OrderByDescending(g => g.Count());
            Output.WriteLine($"seed {seed}: {messages.Count:N0} events, {mutated:N0} mutated; {folded:N0} folded, {refused:N0} dead-lettered in {letters.Count} letters");
            foreach (var g in reasons.Take(40))
            {
                Output.WriteLine($"  {g.Count(),5}  {g.Key}");
            }
        }

        Assert.Equal(mutated, refused);
        Assert.Equal(messages.Count - mutated, folded);

        // The valid siblings fold to what they fold to without the hostile events around them.
        await FaultApps.AssertSameAsCleanPassAsync(
            own.Account, [clean.Select(b => b.Delivery).ToList()], own.Account, prefix, tape.Symbols, FaultApps.Date, FaultApps.AfterClose, null);
    }

    /// <summary>Messages routed round-robin to partitions in batches, with the indices (in each batch) of the mutated ones.</summary>
    private static List<(Delivery Delivery, List<int> Mutated)> Batches(List<(string Json, string? Mutation)> messages)
    {
        var batches = new List<(Delivery, List<int>)>();
        for (var p = 0; p < Partitions; p++)
        {
            var mine = messages.Where((_, i) => i % Partitions == p).ToList();
            for (var start = 0; start < mine.Count; start += BatchSize)
            {
                var part = mine.Skip(start).Take(BatchSize).ToList();
                var partition = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
                batches.Add((new Delivery(partition, start, [.. part.Select(m => m.Json)], 0), [.. part.Select((m, i) => (m, i)).Where(x => x.m.Mutation is not null).Select(x => x.i)]));
            }
        }

        return batches;
    }

    /// <summary>The stream id the handler derives from <see cref="HostPayloads.EventHub"/>'s partition context.</summary>
    private static string Stream(string partition) =>
        new EventHubDelivery(HostPayloads.Namespace, HostPayloads.Hub, HostPayloads.ConsumerGroup, partition, []).Stream;

    private static string Set(JsonObject e, string name, JsonNode? value)
    {
        e[name] = value;
        return e.ToJsonString();
    }

    private static string Without(JsonObject e, string name)
    {
        e.Remove(name);
        return e.ToJsonString();
    }

    /// <summary>The event with a property's value replaced by raw text (not necessarily valid JSON).</summary>
    private static string Raw(JsonObject e, string name, string raw)
    {
        e[name] = "\u0001placeholder\u0001";
        return e.ToJsonString().Replace("\"\\u0001placeholder\\u0001\"", raw, StringComparison.Ordinal);
    }

    private static string Contract(JsonObject e, string contract)
    {
        e.Remove("expiry");
        e.Remove("strike");
        e.Remove("right");
        e["contract"] = contract;
        return e.ToJsonString();
    }

    [GeneratedRegex("([0-9]+) events folded, ([0-9]+) dead-lettered")]
    private static partial Regex Summary();
}
