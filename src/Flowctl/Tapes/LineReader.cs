using System.Text;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Lines of text from a reader, each at most <see cref="MaxLineChars"/> characters held: a longer line is reported as
/// too long and its rest is skipped without being kept, so one corrupt or hostile line cannot take the memory a whole
/// tape would. Lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c>, as <see cref="TextReader.ReadLine"/> has them.
/// </summary>
public sealed class LineReader(TextReader reader)
{
    /// <summary>One event per line, and an Event Hubs message holds at most 1 MB: a longer line can never be sent.</summary>
    public const int MaxLineChars = 1024 * 1024;

    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;
    private bool _skipLineFeed;

    /// <summary>The next line (null at the end); <paramref name="tooLong"/> when it was cut at <see cref="MaxLineChars"/>.</summary>
    public string? ReadLine(out bool tooLong)
    {
        tooLong = false;
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = reader.Read(_buffer, 0, _buffer.Length);
                if (_end == 0)
                {
                    return any ? _line.ToString() : null;
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (_buffer[_start] == '\n')
                {
                    _start++;
                    continue;
                }
            }

            any = true;
            var span = _buffer.AsSpan(_start, _end - _start);
            var end = span.IndexOfAny('\r', '\n');
            var piece = end < 0 ? span : span[..end];
            var room = MaxLineChars - _line.Length;
            if (piece.Length > room)
            {
                tooLong = true;
            }

            _line.Append(piece[..Math.Min(piece.Length, room)]);
            if (end < 0)
            {
                _start = _end;
                continue;
            }

            _skipLineFeed = span[end] == '\r';
            _start += end + 1;
            return _line.ToString();
        }
    }
}
