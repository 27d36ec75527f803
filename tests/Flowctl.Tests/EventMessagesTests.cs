using System.Text;
using System.Text.Json.Nodes;
using FlowFunctions.Flowctl.Tapes;
using FlowFunctions.Flowctl.Targets;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>What flowctl sends a hub per tape line: small lines as they are, wide chains in parts, nothing over the bound.</summary>
public sealed class EventMessagesTests
{
    [Fact]
    public void AWideChainGoesInPartsOfOneSnapshotThatTogetherHoldEveryContractInOrder()
    {
        var contracts = Enumerable.Range(0, 900)
            .Select(i => $$"""{"contract":"SPY260619{{(i % 2 == 0 ? 'C' : 'P')}}{{500_000 + (i * 500):D8}}","oi":{{1_000 + i}},"iv":0.18,"bid":1.2,"ask":1.25}""")
            .ToArray();
        var json = $$"""{"type":"chain","ts":"2026-06-05T13:25:00Z","underlying":"SPY","spot":589.1,"contracts":[{{string.Join(',', contracts)}}]}""";
        Assert.True(json.Length > 3 * EventMessages.MaxMessageBytes);

        var parts = EventMessages.Of(Line(json));

        Assert.True(parts.Count >= 4, $"{parts.Count} parts");
        var seen = new List<string>();
        foreach (var part in parts)
        {
            Assert.InRange(part.Length, 1, EventMessages.MaxMessageBytes);
            var node = JsonNode.Parse(part)!.AsObject();
            Assert.Equal(("chain", "2026-06-05T13:25:00Z", "SPY", 589.1), (node["type"]!.GetValue<string>(), node["ts"]!.GetValue<string>(), node["underlying"]!.GetValue<string>(), node["spot"]!.GetValue<double>()));
            seen.AddRange(node["contracts"]!.AsArray().Select(c => c!.ToJsonString()));
        }

        Assert.Equal(contracts, seen);
    }

    [Fact]
    public void ASmallLineIsSentAsItIsAndAnyOtherLargeEventIsRefusedByLine()
    {
        var trade = """{"type":"trade","ts":"2026-06-05T18:40:00Z","underlying":"SPY","contract":"SPY260619C00590000","price":1.3,"size":1}""";
        Assert.Equal(trade, Encoding.UTF8.GetString(Assert.Single(EventMessages.Of(Line(trade)))));

        var padded = trade.Replace("\"size\":1", "\"size\":1,\"conditions\":\"" + new string('x', EventMessages.MaxMessageBytes) + "\"", StringComparison.Ordinal);
        var e = Assert.Throws<FlowctlException>(() => EventMessages.Of(Line(padded)));
        Assert.StartsWith("Line 12 is ", e.Message, StringComparison.Ordinal);
    }

    private static TapeLine Line(string json) => new(12, Encoding.UTF8.GetBytes(json), "SPY", default, null);
}
