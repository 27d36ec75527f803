using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Tests;

public sealed partial class EventParserTests
{
    private const string Trade = """{"type":"trade","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","price":1.32,"size":10,"bid":1.30,"ask":1.33,"spot":590.42,"iv":0.182,"side":"buy","exchange":"CBOE","conditions":["sweep"],"id":"opt-123"}""";

    private static EventBatch Parse(string json, EventParserOptions? options = null) =>
        new EventParser(new SymbolTable(), options).Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ParsesTheSpecTrade()
    {
        var batch = Parse(Trade);
        Assert.Empty(batch.Rejections);
        var t = Assert.Single(batch.Trades);
        Assert.Equal(new DateTimeOffset(2026, 6, 5, 18, 44, 3, 512, TimeSpan.Zero), t.Timestamp);
        Assert.Equal("SPY", t.Underlying);
        Assert.Equal(new OptionKey(new DateOnly(2026, 6, 5), 590_000, OptionRight.Call), t.Contract);
        Assert.Equal((1.32, 10, 1.30, 1.33, 590.42, 0.182), (t.Price, t.Size, t.Bid, t.Ask, t.Spot, t.Iv));
        Assert.Equal((SideHint.Buy, "CBOE", TradeConditions.Sweep, "opt-123"), (t.Side, t.Exchange, t.Conditions, t.Id.ToString()));
    }

    [Theory]
    [InlineData("multi_leg", TradeConditions.MultiLeg)]
    [InlineData("MULTI_LEG", TradeConditions.MultiLeg)]
    [InlineData("multileg", TradeConditions.MultiLeg)]
    [InlineData("spread", TradeConditions.MultiLeg)]
    [InlineData("iso", TradeConditions.Sweep)]
    [InlineData("floor", TradeConditions.Floor)]
    [InlineData("multi-leg", TradeConditions.None)]
    public void ReadsTheDocumentedConditionNamesAndTheirOlderSpellingsOnBothPaths(string name, TradeConditions expected)
    {
        var json = Trade.Replace("\"conditions\":[\"sweep\"]", $"\"conditions\":[\"{name}\"]", StringComparison.Ordinal);
        foreach (var flat in new[] { true, false })
        {
            var batch = new EventParser(new SymbolTable(), new EventParserOptions { FlatPath = flat }).Parse(Encoding.UTF8.GetBytes(json));
            Assert.Equal(expected, Assert.Single(batch.Trades).Conditions);
        }
    }

    [Fact]
    public void EveryConditionIsWrittenByTheNameItIsReadBy()
    {
        foreach (var flag in Enum.GetValues<TradeConditions>().Where(f => f != TradeConditions.None))
        {
            var name = TradeConditionNames.Name(flag);
            Assert.Equal(flag, TradeConditionNames.Parse(Encoding.UTF8.GetBytes(name)));
            var trade = Assert.Single(Parse(Trade).Trades) with { Conditions = flag };
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                EventJsonWriter.Write(w, trade);
            }

            Assert.Contains($"\"conditions\":[\"{name}\"]", Encoding.UTF8.GetString(buffer.WrittenSpan), StringComparison.Ordinal);
        }

        Assert.Equal("multi_leg", TradeConditionNames.Name(TradeConditions.MultiLeg));
    }

    [Fact]
    public void ParsesACancelWithAndWithoutTheFlatPathAndWritesItBack()
    {
        const string Cancel = """{"type":"cancel","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","contract":"O:SPY260605C00590000","id":"opt-123","price":1.32}""";
        foreach (var flat in new[] { true, false })
        {
            var batch = new EventParser(new SymbolTable(), new EventParserOptions { FlatPath = flat }).Parse(System.Text.Encoding.UTF8.GetBytes(Cancel));
            Assert.Empty(batch.Rejections);
            var c = Assert.Single(batch.Cancels);
            Assert.Equal((new DateTimeOffset(2026, 6, 5, 18, 44, 3, 512, TimeSpan.Zero), "SPY", "opt-123"), (c.Timestamp, c.Underlying, c.Id.ToString()));
            Assert.Equal(new OptionKey(new DateOnly(2026, 6, 5), 590_000, OptionRight.Call), c.Contract);
            Assert.Equal([MarketEventKind.Cancel], batch.Order.Select(o => o.Kind));
            Assert.Equal((c.Underlying, c.Timestamp), batch.Stamp(batch.Order[0]));

            var written = EventJsonWriter.WriteArray(batch, 0, 1);
            Assert.Equal(c, Assert.Single(new EventParser(new SymbolTable()).Parse(written).Cancels));
        }

        var noId = Parse("""{"type":"cancel","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000"}""");
        Assert.Equal("id is required for a cancel: it names the print it cancels", Assert.Single(noId.Rejections).Reason);
        var noContract = Parse("""{"type":"cancel","ts":"2026-06-05T18:44:03Z","underlying":"SPY","id":"x"}""");
        Assert.Equal("expiry is required (or give contract as an OCC symbol)", Assert.Single(noContract.Rejections).Reason);
    }

    [Fact]
    public void ParsesChainAndSpotEvents()
    {
        var batch = Parse("""
            {"type":"chain","ts":"2026-06-05T13:25:00Z","underlying":"SPY","spot":589.10,"contracts":[{"expiry":"2026-06-05","strike":590,"right":"C","oi":12345,"iv":0.18,"bid":1.20,"ask":1.25},{"contract":"O:SPY260605P00585000","oi":7}]}
            {"type":"spot","ts":"2026-06-05T18:44:03Z","underlying":"spy","price":590.42}
            """);
        Assert.Empty(batch.Rejections);
        var chain = Assert.Single(batch.Chains);
        Assert.Equal(589.10, chain.Spot);
        Assert.Equal(2, chain.Contracts.Count);
        Assert.Equal(12345, chain.Contracts[0].OpenInterest);
        Assert.Equal(new OptionKey(new DateOnly(2026, 6, 5), 585_000, OptionRight.Put), chain.Contracts[1].Contract);
        Assert.Equal(590.42, Assert.Single(batch.Spots).Price);
        Assert.Equal([MarketEventKind.Chain, MarketEventKind.Spot], batch.Order.Select(o => o.Kind));
    }

    [Fact]
    public void ArrayAndNdjsonGiveTheSameEvents()
    {
        var array = Parse($"[{Trade},{Trade}]");
        var ndjson = Parse($"{Trade}\n{Trade}\n");
        Assert.Equal(2, array.Trades.Count);
        Assert.Equal(array.Trades, ndjson.Trades);
    }

    [Theory]
    [InlineData("SPY   260619C00590000")]
    [InlineData("O:SPY260619C00590000")]
    [InlineData("SPY260619C00590000")]
    [InlineData("o:spy260619c00590000")]
    public void AcceptsOccSymbols(string occ)
    {
        var batch = Parse($$"""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"{{occ}}","price":1.5,"size":1}""");
        Assert.Empty(batch.Rejections);
        Assert.Equal(new OptionKey(new DateOnly(2026, 6, 19), 590_000, OptionRight.Call), Assert.Single(batch.Trades).Contract);
    }

    [Theory]
    [InlineData("\"size\":0", "size must be >= 1")]
    [InlineData("\"size\":2.5", "size must be a whole number of contracts")]
    [InlineData("\"size\":\"10\"", "size must be a number")]
    [InlineData("\"size\":1e400", "size is out of range")]
    [InlineData("\"right\":\"X\"", "right must be C or P (or call or put)")]
    [InlineData("\"price\":0", "price must be > 0")]
    [InlineData("\"price\":-1", "price must be > 0")]
    [InlineData("\"expiry\":\"2026-13-01\"", "expiry must be a date in yyyy-MM-dd form")]
    [InlineData("\"expiry\":\"2026-06-04\"", "expiry 2026-06-04 is before the trade date 2026-06-05")]
    [InlineData("\"ts\":\"2026-06-05T18:44:03\"", "ts must be an ISO 8601 timestamp with an offset, such as 2026-06-05T18:44:03Z")]
    [InlineData("\"underlying\":\"S P Y!\"", "underlying must be 1-12 characters of A-Z, 0-9, '.', '_' or '-'")]
    [InlineData("\"type\":\"quote\"", "type must be trade, chain, spot or cancel")]
    [InlineData("\"bid\":1.40", "ask must be >= bid")]
    [InlineData("\"iv\":-0.2", "iv must be > 0")]
    [InlineData("\"side\":\"long\"", "side must be buy, sell or mid")]
    [InlineData("\"strike\":null", "strike is required")]
    public void RejectsWithAReadableReason(string replacement, string reason)
    {
        var name = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        var json = Regex().Replace(Trade, m => m.Value.StartsWith(name + ":", StringComparison.Ordinal) ? replacement : m.Value);
        var batch = Parse(json);
        Assert.Empty(batch.Trades);
        Assert.Equal(reason, Assert.Single(batch.Rejections).Reason);
    }

    [Fact]
    public void MissingRequiredFieldsAreNamed()
    {
        Assert.Equal("type is required", Assert.Single(Parse("""{"ts":"2026-06-05T18:44:03Z"}""").Rejections).Reason);
        Assert.Equal("underlying is required", Assert.Single(Parse("""{"type":"spot","ts":"2026-06-05T18:44:03Z","price":1}""").Rejections).Reason);
        Assert.Equal("expiry is required (or give contract as an OCC symbol)",
            Assert.Single(Parse("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","price":1,"size":1}""").Rejections).Reason);
        Assert.Equal("contracts[1]: oi is required",
            Assert.Single(Parse("""{"type":"chain","ts":"2026-06-05T13:25:00Z","underlying":"SPY","contracts":[{"contract":"SPY260605P00585000","oi":1},{"contract":"SPY260605P00586000"}]}""").Rejections).Reason);
    }

    [Fact]
    public void ABadEventDoesNotSpoilItsNeighbours()
    {
        var input = $"{Trade}\n{{\"type\":\"trade\",\"ts\":\"2026-06-05T18:44:03Z\" garbage\n{Trade}\n42\n{Trade.Replace("\"size\":10", "\"size\":0", StringComparison.Ordinal)}\n";
        var batch = Parse(input);
        Assert.Equal(2, batch.Trades.Count);
        Assert.Equal([1, 3, 4], batch.Rejections.Select(r => r.Index));
        Assert.StartsWith("malformed JSON", batch.Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal("event must be a JSON object", batch.Rejections[1].Reason);
        var bytes = Encoding.UTF8.GetBytes(input);
        var raw = Encoding.UTF8.GetString(bytes, batch.Rejections[2].Offset, batch.Rejections[2].Length);
        Assert.Contains("\"size\":0", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedTokenIsDescribedShortAndPrintable()
    {
        // The reader quotes a bad literal whole: here 20,000 bytes of it, with control characters and invalid UTF-8.
        var token = new byte[20_000];
        for (var i = 0; i < token.Length; i++)
        {
            token[i] = (byte)(i % 3 == 0 ? 0x01 : i % 3 == 1 ? 0xC3 : 'a');
        }

        token[0] = (byte)'f';
        var batch = new EventParser(new SymbolTable()).Parse([.. Encoding.UTF8.GetBytes(Trade + "\n"), .. token, (byte)'\n', .. Encoding.UTF8.GetBytes(Trade)]);
        Assert.Equal(2, batch.Trades.Count);
        var rejection = Assert.Single(batch.Rejections);
        Assert.Equal(1, rejection.Index);
        Assert.Equal(Encoding.UTF8.GetByteCount(Trade) + 1, rejection.Offset); // the bad line, not the good one before it
        var reason = rejection.Reason;
        Assert.StartsWith("malformed JSON at byte", reason, StringComparison.Ordinal);
        Assert.InRange(reason.Length, 30, 60 + EventParser.MaxDescribedChars);
        Assert.DoesNotContain(reason, char.IsControl);
        Assert.DoesNotContain('\uFFFD', reason);
    }

    [Theory]
    [InlineData("underlying", "underlying must be")]
    [InlineData("exchange", "exchange is not valid text")]
    [InlineData("id", "id is not valid text")]
    public void AnEscapeDecodingToALoneSurrogateIsRefusedNotThrown(string property, string reason)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Trade)!.AsObject();
        node[property] = "\u0001";
        var hostile = node.ToJsonString().Replace("\"\\u0001\"", "\"\\ud800X\"", StringComparison.Ordinal);
        var batch = Parse($"{hostile}\n{Trade}\n");
        Assert.Single(batch.Trades);
        Assert.StartsWith(reason, Assert.Single(batch.Rejections).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedNdjsonLineDoesNotSwallowTheNextLine()
    {
        // As JSON the next line could continue the truncated one ("ts": {...}); as NDJSON it is the next event.
        var batch = Parse($"{Trade}\n{{\"type\":\"trade\",\"ts\":\n{Trade}\n");
        Assert.Equal(2, batch.Trades.Count);
        Assert.Equal([1], batch.Rejections.Select(r => r.Index));
    }

    [Fact]
    public void UnknownPropertiesAndDeepNestingInsideThemAreHandled()
    {
        var ok = Parse(Trade.Replace("\"id\":", "\"extra\":{\"a\":[1,2,{\"b\":null}]},\"id\":", StringComparison.Ordinal));
        Assert.Single(ok.Trades);
        var deep = Parse(Trade.Replace("\"id\":", "\"extra\":" + new string('[', 100) + new string(']', 100) + ",\"id\":", StringComparison.Ordinal));
        Assert.Empty(deep.Trades);
        Assert.StartsWith("malformed JSON", Assert.Single(deep.Rejections).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampsOutsideTheAcceptedWindowAreRefused()
    {
        var options = new EventParserOptions { NotBefore = new DateTimeOffset(2026, 6, 5, 0, 0, 0, TimeSpan.Zero), NotAfter = new DateTimeOffset(2026, 6, 5, 18, 0, 0, TimeSpan.Zero) };
        var rejection = Assert.Single(Parse(Trade, options).Rejections);
        Assert.StartsWith("ts 2026-06-05T18:44:03Z is after the accepted window", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WriterOutputParsesBackToTheSameEvents()
    {
        var day = new Simulation.MarketSimulator(new Simulation.SimulatorOptions { Seed = 7, UniverseSize = 8 }, new DateOnly(2026, 6, 5));
        var batch = new EventBatch();
        day.AdvanceTo(day.SessionOpen.AddMinutes(20), batch);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var t in batch.Trades)
            {
                EventJsonWriter.Write(writer, t);
            }

            foreach (var s in batch.Spots)
            {
                EventJsonWriter.Write(writer, s);
            }

            writer.WriteEndArray();
        }

        var parsed = new EventParser(new SymbolTable()).Parse(stream.ToArray());
        Assert.Empty(parsed.Rejections);
        Assert.Equal(batch.Trades, parsed.Trades);
        Assert.Equal(batch.Spots, parsed.Spots);
    }

    [Fact]
    public void MessagesAreParsedOneByOneSoAMalformedArrayCostsOnlyItsOwnMessage()
    {
        // Four Event Hubs messages in one buffer: an event, a broken array, an empty body, an array of two events.
        string[] messages = [Trade, $"[{Trade},{{\"type\":", "  ", $"[{Trade},{Trade}]"];
        var buffer = new StringBuilder();
        var ranges = new List<Range>();
        foreach (var m in messages)
        {
            var start = Encoding.UTF8.GetByteCount(buffer.ToString());
            buffer.Append(m);
            ranges.Add(start..(start + Encoding.UTF8.GetByteCount(m)));
            buffer.Append('\n');
        }

        var utf8 = Encoding.UTF8.GetBytes(buffer.ToString());
        var batch = new EventBatch();
        new EventParser(new SymbolTable()).Parse(utf8, [.. ranges], batch);

        Assert.Equal(4, batch.Trades.Count); // message 1, the first of message 2 and both of message 4
        Assert.Equal(2, batch.Rejections.Count);
        var broken = batch.Rejections[0];
        Assert.Equal(2, broken.Index);
        Assert.StartsWith("malformed JSON inside the array", broken.Reason, StringComparison.Ordinal);
        Assert.Equal(ranges[1].End.Value, broken.Offset + broken.Length); // it stops at its message's end
        var empty = batch.Rejections[1];
        Assert.Equal(3, empty.Index);
        Assert.StartsWith("empty message", empty.Reason, StringComparison.Ordinal);
        Assert.Equal(6, batch.Count);
    }

    [Fact]
    public void SymbolsAreInterned()
    {
        var batch = Parse($"{Trade}\n{Trade}");
        Assert.Same(batch.Trades[0].Underlying, batch.Trades[1].Underlying);
        Assert.Same(batch.Trades[0].Exchange, batch.Trades[1].Exchange);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"[a-z]+\":(\"[^\"]*\"|\\[[^\\]]*\\]|[^,}]+)")]
    private static partial System.Text.RegularExpressions.Regex Regex();
}
