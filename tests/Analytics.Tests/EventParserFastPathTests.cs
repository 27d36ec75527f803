using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Tests;

/// <summary>
/// The parser's shortcuts (numbers, timestamps, property names, ids, names seen before) give exactly what the general
/// path gives, and leave to it everything they do not take.
/// </summary>
public sealed class EventParserFastPathTests
{
    private static EventBatch Parse(string json) => new EventParser(new SymbolTable()).Parse(Encoding.UTF8.GetBytes(json));

    private static string Trade(string fields = "") =>
        $$"""{"type":"trade","ts":"2026-06-05T18:44:03.512Z","underlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","price":1.32,"size":10{{fields}}}""";

    [Fact]
    public void ShortDecimalsAreTheCorrectlyRoundedDoubles()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var digits = random.Next(1, 15); // with the "0" a leading point gets, at most 15
            var mantissa = random.NextInt64(0, (long)Math.Pow(10, digits));
            var scale = random.Next(0, digits + 1);
            var text = mantissa.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
            text = scale == 0 ? text : text.Insert(text.Length - scale, ".");
            text = text.StartsWith('.') ? "0" + text : text;
            Assert.True(EventParser.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out var fast), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), fast);
        }
    }

    [Theory]
    [InlineData("123456.7890123456")] // 16 digits: not exact as a double, so not taken
    [InlineData("1234567890123456")]
    [InlineData("1e3")]
    [InlineData("1.5E-2")]
    [InlineData("-1.5")]
    public void NumbersTheShortcutCannotTakeAreLeftToTheReader(string number)
    {
        Assert.False(EventParser.TryParseShortDecimal(Encoding.ASCII.GetBytes(number), out _));
        var batch = Parse(Trade($",\"bid\":{number}"));
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        if (value is >= 0 and <= EventLimits.MaxPrice)
        {
            Assert.Equal(value, Assert.Single(batch.Trades).Bid);
        }
        else
        {
            Assert.Equal($"bid must be between 0 and {EventLimits.MaxPrice}", Assert.Single(batch.Rejections).Reason);
        }
    }

    [Fact]
    public void UtcTimestampsAreReadAsTheGeneralParserReadsThem()
    {
        var random = new Random(11);
        for (var i = 0; i < 5_000; i++)
        {
            var instant = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 365 * 60));
            var fraction = random.Next(0, 8);
            var text = instant.ToString("yyyy-MM-ddTHH:mm:ss" + (fraction == 0 ? string.Empty : "." + new string('f', fraction)), CultureInfo.InvariantCulture) + "Z";
            Assert.True(EventParser.TryParseUtc(Encoding.ASCII.GetBytes(text), out var fast), text);
            Assert.Equal(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), fast);
            Assert.Equal(TimeSpan.Zero, fast.Offset);
        }
    }

    [Theory]
    [InlineData("2026-02-29T10:00:00Z", false)] // not a leap year
    [InlineData("2026-06-05T24:00:00Z", false)]
    [InlineData("2026-06-05T10:60:00Z", false)]
    [InlineData("2026-06-05T10:00:60Z", false)]
    [InlineData("2026-06-05T10:00:00.Z", true)] // the general parser takes a point with no digits
    [InlineData("2026-06-05T10:00:00.12345678Z", true)] // more digits than ticks hold: the general parser decides
    [InlineData("2026-06-05t10:00:00Z", false)]
    [InlineData("2026-06-05T10:00:00+00:00", true)]
    [InlineData("2026-06-05T06:00:00-04:00", true)]
    public void TimestampsTheShortcutDoesNotTakeAreDecidedByTheGeneralParser(string ts, bool valid)
    {
        Assert.False(EventParser.TryParseUtc(Encoding.ASCII.GetBytes(ts), out _));
        var batch = Parse(Trade().Replace("2026-06-05T18:44:03.512Z", ts, StringComparison.Ordinal));
        Assert.Equal(valid ? 1 : 0, batch.Trades.Count);
        if (valid)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(ts)));
            reader.Read();
            Assert.True(reader.TryGetDateTimeOffset(out var general));
            Assert.Equal(general.ToUniversalTime(), batch.Trades[0].Timestamp);
        }
    }

    [Fact]
    public void EscapedPropertyNamesAreTheNamesTheyDecodeTo()
    {
        var batch = Parse("""{"t\u0079pe":"trade","ts":"2026-06-05T18:44:03Z","\u0075nderlying":"SPY","expiry":"2026-06-05","strike":590,"right":"C","pric\u0065":1.5,"size":1}""");
        Assert.Equal(1.5, Assert.Single(batch.Trades).Price);
    }

    [Theory]
    [InlineData("opt-123")]
    [InlineData("0123456789abcdef")] // 16: the longest held inline
    [InlineData("0123456789abcdefg")] // 17: held as a string
    [InlineData("ordre-n°-42")] // not ASCII
    [InlineData("a b")]
    public void IdsSurviveParsingAndWritingWhateverTheirForm(string id)
    {
        var json = Trade($",\"id\":{JsonSerializer.Serialize(id)}");
        var parsed = Assert.Single(Parse(json).Trades);
        Assert.Equal(id, parsed.Id.ToString());
        Assert.Equal(TradeId.From(id), parsed.Id);
        Assert.Equal(TradeId.From(id).GetHashCode(), parsed.Id.GetHashCode());

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            EventJsonWriter.Write(writer, parsed);
        }

        Assert.Equal(parsed, Assert.Single(new EventParser(new SymbolTable()).Parse(stream.ToArray()).Trades));
    }

    [Fact]
    public void AnEscapedIdEqualsTheSameIdUnescapedAndAnEmptyIdIsNone()
    {
        Assert.Equal(TradeId.From("ab"), Assert.Single(Parse(Trade(",\"id\":\"a\\u0062\"")).Trades).Id);
        Assert.True(Assert.Single(Parse(Trade(",\"id\":\"\"")).Trades).Id.IsNone);
        Assert.True(Assert.Single(Parse(Trade()).Trades).Id.IsNone);
        Assert.NotEqual(TradeId.From("ab"), TradeId.From("ab "));
    }

    [Fact]
    public void NamesSeenBeforeComeBackNormalisedFromTheCacheEvenPastItsSize()
    {
        var parser = new EventParser(new SymbolTable());
        var names = Enumerable.Range(0, 20_000).Select(i => "S" + i.ToString(CultureInfo.InvariantCulture)).ToArray(); // more than the cache's slots
        for (var round = 0; round < 2; round++)
        {
            var json = string.Join('\n', names.Select((n, i) =>
                Trade().Replace("\"SPY\"", $"\"{(i % 2 == 0 ? n.ToLowerInvariant() : " " + n)}\"", StringComparison.Ordinal)
                    .Replace("\"size\":10", $"\"size\":10,\"exchange\":\"X{i % 300}\"", StringComparison.Ordinal)));
            var batch = parser.Parse(Encoding.UTF8.GetBytes(json));
            Assert.Equal(names, batch.Trades.Select(t => t.Underlying));
            Assert.Equal(names.Select((_, i) => $"X{i % 300}"), batch.Trades.Select(t => t.Exchange));
        }
    }
}
