using System.Text;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Testing;

namespace FlowFunctions.Analytics.Tests;

/// <summary>
/// The flat path (EventParser.Flat.cs) reads flat events without the reader and gives up on anything else. Whatever
/// the input, parsing with it gives exactly what parsing without it gives: the same events, in the same order, and
/// the same rejections with the same reasons and byte ranges.
/// </summary>
public sealed class EventParserFlatPathTests
{
    private static readonly EventParserOptions ReaderOnly = EventParserOptions.Default with { FlatPath = false };

    [Theory]
    [InlineData("""{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5}""")]
    [InlineData("""{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5}{"type":"spot","ts":"2026-06-05T18:45:00Z","underlying":"SPY","price":591}""")]
    [InlineData("""{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5} x""")]
    [InlineData("""[{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5},]""")]
    [InlineData("""[{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5}""")]
    [InlineData("""[{"type":"spot","ts":"2026-06-05T18:44:00Z","underlying":"SPY","price":590.5} {"type":"spot"}]""")]
    [InlineData("""[] [1, {}] {} []""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"conditions":["sweep","late"],"extra":{"a":[1,2]}}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":01.32,"size":10}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"flag":true,"note":null,"n":-1e5}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.,"size":10}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"size":"10"}""")]
    [InlineData("""{"type":"trade","type":"chain","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"side":"Buy","exchange":"CBOE","id":"a"}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"side":"up","id":null}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10,"conditions":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605X00590000","price":1.32,"size":10}""")]
    [InlineData("""{"type":"trade","ts":"2026-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10}  // comment""")]
    [InlineData("\uFEFF{\"type\":\"spot\",\"ts\":\"2026-06-05T18:44:00Z\",\"underlying\":\"SPY\",\"price\":1}\r\n{\"type\":\"spot\",\"ts\":\"2026-06-05T18:44:00+00:00\",\"underlying\":\"spy\",\"price\":1}")]
    [InlineData("""{"type":"trade","ts":"1999-06-05T18:44:03Z","underlying":"SPY","contract":"SPY260605C00590000","price":1.32,"size":10}""")]
    [InlineData("""{"type":"trade","ts":"0001-01-01T00:00:00Z","underlying":"SPY","expiry":"0001-01-01","strike":1,"right":"C","price":1.32,"size":10}""")]
    public void EdgeCasesGiveWhatTheReaderGives(string json) => AssertSame(Encoding.UTF8.GetBytes(json), seen: true);

    [Fact]
    public void ASimulatedDayGivesWhatTheReaderGives()
    {
        var day = SimulatedDays.Day(seed: 2, symbols: 8, intensity: 0.2);
        foreach (var payload in SimulatedDays.Payloads(day, 500))
        {
            AssertSame(payload, seen: false);
            AssertSame(NdJson(payload), seen: true);
        }
    }

    /// <summary>
    /// Every kind of damage to real events: a byte changed, removed or doubled, anywhere. Each damaged input is parsed
    /// both ways and must give the same batch.
    /// </summary>
    [Fact]
    public void DamagedEventsGiveWhatTheReaderGives()
    {
        var day = SimulatedDays.Day(seed: 3, symbols: 4, intensity: 0.05);
        var payload = SimulatedDays.Payloads(day, 6)[^20]; // prints and spots (the first ones are the morning chains)
        var ndjson = NdJson(payload);
        var random = new Random(11);
        var flat = new EventParser(new SymbolTable());
        var readerOnly = new EventParser(new SymbolTable(), ReaderOnly);
        ReadOnlySpan<byte> alphabet = "{}[]\",:. \n\\-+eE0123456789nulltrfa\u00e9"u8;
        for (var i = 0; i < 20_000; i++)
        {
            var source = i % 2 == 0 ? payload : ndjson;
            var at = random.Next(source.Length);
            byte[] damaged = (i % 3) switch
            {
                0 => [.. source[..at], alphabet[random.Next(alphabet.Length)], .. source[(at + 1)..]],
                1 => [.. source[..at], .. source[(at + 1)..]],
                _ => [.. source[..at], source[at], .. source[at..]],
            };
            AssertSame(damaged, flat, readerOnly, seen: i % 4 != 0);
        }
    }

    private static byte[] NdJson(byte[] array)
    {
        var batch = new EventParser(new SymbolTable()).Parse(array);
        var lines = new StringBuilder();
        for (var i = 0; i < batch.Order.Count; i++)
        {
            lines.Append(Encoding.UTF8.GetString(EventJsonWriter.WriteArray(batch, i, 1))[1..^1]).Append('\n');
        }

        return Encoding.UTF8.GetBytes(lines.ToString());
    }

    /// <summary>
    /// Parses <paramref name="utf8"/> both ways and compares. With <paramref name="seen"/> the symbols and exchanges
    /// are parsed once first, as on a live feed, so that the flat path takes what it can.
    /// </summary>
    private static void AssertSame(byte[] utf8, bool seen) =>
        AssertSame(utf8, new EventParser(new SymbolTable()), new EventParser(new SymbolTable(), ReaderOnly), seen);

    /// <summary>As above, with parsers whose symbol tables may already hold names from earlier inputs.</summary>
    private static void AssertSame(byte[] utf8, EventParser flat, EventParser readerOnly, bool seen)
    {
        if (seen)
        {
            flat.Parse(utf8);
        }

        var expected = readerOnly.Parse(utf8);
        var actual = flat.Parse(utf8);
        var input = Encoding.UTF8.GetString(utf8);
        Assert.True(expected.Rejections.SequenceEqual(actual.Rejections), input);
        Assert.True(expected.Order.SequenceEqual(actual.Order), input);
        Assert.True(expected.Trades.SequenceEqual(actual.Trades), input);
        Assert.True(expected.Spots.SequenceEqual(actual.Spots), input);
        Assert.Equal(expected.Chains.Count, actual.Chains.Count);
        for (var i = 0; i < expected.Chains.Count; i++)
        {
            Assert.Equal(expected.Chains[i] with { Contracts = [] }, actual.Chains[i] with { Contracts = [] });
            Assert.Equal(expected.Chains[i].Contracts, actual.Chains[i].Contracts);
        }
    }
}
