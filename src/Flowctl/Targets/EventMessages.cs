using System.Text;
using System.Text.Json.Nodes;
using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Targets;

/// <summary>
/// The Event Hubs messages of one tape line, each at most <see cref="MaxMessageBytes"/>: the line itself when it fits;
/// a chain event over it split into chain events of the same underlying, <c>ts</c> and <c>spot</c> with its contracts
/// shared out (parts with one timestamp are one snapshot to the app, docs/methodology.md); any other event over it is
/// refused by its line number. The bound keeps a delivery of 1,000 messages inside the function app's invocation
/// limit even when the host's double encoding quadruples it (README, "Event Hubs batch size").
/// </summary>
public static class EventMessages
{
    /// <summary>Largest message body flowctl sends to a hub, in bytes.</summary>
    public const int MaxMessageBytes = 16_000;

    public static IReadOnlyList<byte[]> Of(TapeLine line, int maxBytes = MaxMessageBytes)
    {
        var json = line.Json!;
        if (json.Length <= maxBytes)
        {
            return [json];
        }

        if (JsonNode.Parse(json) is not JsonObject chain
            || chain["type"]?.GetValue<string>() != "chain"
            || chain["contracts"] is not JsonArray contracts)
        {
            throw new FlowctlException($"Line {line.Number} is {json.Length:N0} bytes; the function app takes messages of at most {maxBytes:N0} bytes "
                + "(README, \"Event Hubs batch size\"). Only chain events are split.");
        }

        chain.Remove("contracts");
        var head = chain.ToJsonString(); // every part is this object with its share of the contracts appended
        var room = maxBytes - Encoding.UTF8.GetByteCount(head) - ",\"contracts\":[]".Length;
        var parts = new List<byte[]>();
        var part = new List<string>();
        var used = 0;
        foreach (var contract in contracts)
        {
            var text = contract?.ToJsonString() ?? "null";
            var size = Encoding.UTF8.GetByteCount(text) + (part.Count > 0 ? 1 : 0);
            if (used + size > room && part.Count > 0)
            {
                parts.Add(Part(head, part));
                part.Clear();
                used = 0;
                size -= 1;
            }

            if (size > room)
            {
                throw new FlowctlException($"Line {line.Number} holds a chain contract of {size:N0} bytes, too large for a message of {maxBytes:N0} bytes.");
            }

            part.Add(text);
            used += size;
        }

        parts.Add(Part(head, part));
        return parts;
    }

    private static byte[] Part(string head, List<string> contracts) =>
        Encoding.UTF8.GetBytes(string.Concat(head.AsSpan(0, head.Length - 1), ",\"contracts\":[", string.Join(',', contracts), "]}"));
}
