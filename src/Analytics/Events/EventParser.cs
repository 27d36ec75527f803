using System.Text.Json;
using static FlowFunctions.Analytics.Events.FlatJsonTokens;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Parses and validates events (docs/api.md "Events") from UTF-8 JSON: one object, an array of objects, or several values one after
/// another (NDJSON, or one message per line). A bad event never spoils its neighbours: it becomes an
/// <see cref="EventRejection"/> with a reason a person understands, and parsing goes on. Malformed JSON is refused up
/// to the end of its line (one event per line in NDJSON) or, inside an array, up to the end of the input.
/// <para>Allocation-free for a print whose symbol and exchange were seen before and whose id is short
/// (<see cref="TradeId"/>). Thread-safe if the <see cref="SymbolTable"/> is (it is, caches included); each call fills
/// its own batch.</para>
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
public sealed partial class EventParser(SymbolTable symbols, EventParserOptions? options = null)
{
    private const int MaxShortString = 64;

    private readonly EventParserOptions _options = options ?? EventParserOptions.Default;

    public EventBatch Parse(ReadOnlySpan<byte> utf8)
    {
        var batch = new EventBatch();
        Parse(utf8, batch);
        return batch;
    }

    /// <summary>Parses <paramref name="utf8"/> into <paramref name="batch"/>, appending to what it already holds.</summary>
    public void Parse(ReadOnlySpan<byte> utf8, EventBatch batch)
    {
        var index = 0;
        ParseFrom(utf8, utf8.StartsWith("\uFEFF"u8) ? 3 : 0, ref index, batch);
    }

    /// <summary>
    /// Parses several messages that share one buffer (an Event Hubs batch): each range of <paramref name="messages"/>
    /// holds one message (an event, an array of events, or NDJSON), parsed on its own so that malformed JSON costs its
    /// own message only. Event indexes run on across messages, and rejection offsets are offsets into
    /// <paramref name="utf8"/>. A message with nothing in it is refused as empty.
    /// </summary>
    public void Parse(ReadOnlySpan<byte> utf8, ReadOnlySpan<Range> messages, EventBatch batch)
    {
        var index = 0;
        foreach (var message in messages)
        {
            var (start, length) = message.GetOffsetAndLength(utf8.Length);
            var body = utf8[..(start + length)];
            if (SkipWhitespace(body, start) >= body.Length)
            {
                batch.Rejections.Add(new EventRejection(index++, EventErrors.EmptyMessage, start, length));
                continue;
            }

            ParseFrom(body, start, ref index, batch);
        }
    }

    /// <summary>Parses from <paramref name="pos"/> to the end of <paramref name="utf8"/>, numbering events from <paramref name="index"/>.</summary>
    private void ParseFrom(ReadOnlySpan<byte> utf8, int pos, ref int index, EventBatch batch)
    {
        var readerOptions = new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = _options.MaxDepth };
        var flat = _options.FlatPath && _options.MaxDepth >= FlatDepth;
        while (true)
        {
            pos = SkipWhitespace(utf8, pos);
            if (pos >= utf8.Length)
            {
                return;
            }

            if (flat && TryReadFlat(utf8, ref pos, ref index, batch))
            {
                continue;
            }

            // The reader's path. With the flat path on, it reads one top-level value and hands back, so that the
            // next value may take the flat path again.
            var readOne = false;
            var reader = new Utf8JsonReader(utf8[pos..], readerOptions);
            var valueStart = pos;
            var insideArray = false;
            try
            {
                while (!readOne && reader.Read())
                {
                    valueStart = pos + (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        insideArray = true;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            valueStart = pos + (int)reader.TokenStartIndex;
                            ReadOne(ref reader, pos, index, batch);
                            index++;

                            // Where the next element begins, should reading it throw before it has a token.
                            valueStart = pos + (int)reader.BytesConsumed;
                        }

                        insideArray = false;
                    }
                    else
                    {
                        ReadOne(ref reader, pos, index, batch);
                        index++;
                    }

                    // A value that is malformed from its first byte throws inside Read(), before it has a token: it
                    // starts after what the reader consumed, not at the last good value.
                    valueStart = SkipWhitespace(utf8, pos + (int)reader.BytesConsumed);
                    readOne = flat;
                }

                if (!readOne)
                {
                    return;
                }

                pos = valueStart;
            }
            catch (JsonException ex)
            {
                var errorAt = AbsoluteOffset(utf8, pos, ex);
                // NDJSON is one event per line: a bad value costs its own line only, even when what follows it
                // would have continued it as JSON (a truncated line followed by a good one).
                var resume = insideArray ? utf8.Length : NextLine(utf8, valueStart);
                var reason = insideArray
                    ? EventErrors.MalformedInArray(errorAt)
                    : EventErrors.Malformed(errorAt, Describe(ex));
                batch.Rejections.Add(new EventRejection(index++, reason, valueStart, resume - valueStart));
                pos = resume;
            }
        }
    }

    private void ReadOne(ref Utf8JsonReader reader, int basePos, int index, EventBatch batch)
    {
        var start = basePos + (int)reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            var end = basePos + (int)reader.BytesConsumed;
            batch.Rejections.Add(new EventRejection(index, EventErrors.NotAnObject, start, end - start));
            return;
        }

        var fields = new Fields();
        ReadObject(ref reader, ref fields);
        var length = basePos + (int)reader.BytesConsumed - start;
        var error = fields.Error ?? Build(ref fields, batch);
        if (error is not null)
        {
            batch.Rejections.Add(new EventRejection(index, error, start, length));
        }
    }

    private static int NextLine(ReadOnlySpan<byte> utf8, int from)
    {
        if (from >= utf8.Length)
        {
            return utf8.Length;
        }

        var nl = utf8[from..].IndexOf((byte)'\n');
        return nl < 0 ? utf8.Length : from + nl + 1;
    }

    private static int AbsoluteOffset(ReadOnlySpan<byte> utf8, int basePos, JsonException ex)
    {
        var line = ex.LineNumber ?? 0;
        var pos = basePos;
        for (var i = 0; i < line && pos < utf8.Length; i++)
        {
            var nl = utf8[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return utf8.Length;
            }

            pos += nl + 1;
        }

        return (int)Math.Min(utf8.Length, pos + (ex.BytePositionInLine ?? 0));
    }

    /// <summary>
    /// The reader's message without its position suffix, at most <see cref="MaxDescribedChars"/> characters, control
    /// and replacement characters shown as '?': the reader quotes the offending token, which in hostile input can be
    /// kilobytes of binary (and the reason is stored with the batch's receipt and returned to the caller).
    /// </summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        message = (cut > 0 ? message[..cut] : message).TrimEnd(' ', '.');
        var shown = message.Length > MaxDescribedChars ? message[..MaxDescribedChars] + "…" : message;
        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsControl(c) || c == '\uFFFD' || char.IsSurrogate(c) ? '?' : c;
            }
        });
    }

    /// <summary>Longest description of a JSON syntax error kept in a rejection's reason.</summary>
    public const int MaxDescribedChars = 120;
}
