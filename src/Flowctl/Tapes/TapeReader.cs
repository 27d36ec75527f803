using System.IO.Compression;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// Reads a recorded tape, NDJSON (one event per line, docs/api.md "Events") or CSV of trade prints (<see cref="CsvLayout"/>), gzip
/// or not (told by its first two bytes, whatever the name), streaming: millions of lines in constant memory. Every
/// event is checked by the app's own parser (EventParser) without the app's time window, so a line refused here
/// names its line number and the app's reason (a line over 1 MB is refused unread, <see cref="LineReader"/>); what the
/// app refuses later (a print older than its window) comes back from the target.
/// </summary>
public sealed class TapeReader : ITape
{
    private readonly Stream _file;
    private readonly CountingStream _counted;
    private readonly StreamReader _reader;
    private readonly LineReader _lines;
    private readonly EventParser _parser = new(new SymbolTable());
    private readonly EventBatch _batch = new();
    private readonly bool _csv;
    private CsvLayout? _layout;
    private long _line;

    public TapeReader(string path, string? format = null)
    {
        _file = File.OpenRead(path);
        Length = _file.Length;
        var gzip = _file.ReadByte() == 0x1f & _file.ReadByte() == 0x8b;
        _file.Position = 0;
        _counted = new CountingStream(_file);
        Stream text = gzip ? new GZipStream(_counted, CompressionMode.Decompress) : _counted;
        _reader = new StreamReader(text, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _lines = new LineReader(_reader);
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        _csv = format?.ToLowerInvariant() switch
        {
            "csv" => true,
            "ndjson" or "jsonl" or "json" => false,
            null => name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase),
            _ => throw new FlowctlException($"Unknown format \"{format}\": use ndjson or csv."),
        };
    }

    /// <summary>The file's size in bytes (compressed, when it is gzip).</summary>
    public long Length { get; }

    /// <summary>How much of the file has been read, in bytes (for progress).</summary>
    public long Position => _counted.BytesRead;

    public bool IsCsv => _csv;

    /// <summary>The next event line, or null at the end; blank lines (and the CSV header) are skipped.</summary>
    public TapeLine? Next()
    {
        while (_lines.ReadLine(out var tooLong) is { } text)
        {
            _line++;
            if (tooLong)
            {
                return new TapeLine(_line, null, null, default, $"the line is longer than {LineReader.MaxLineChars:N0} characters (an Event Hubs message holds at most 1 MB); it was not read");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (_csv && _layout is null)
            {
                _layout = CsvLayout.FromHeader(text);
                continue;
            }

            byte[] json;
            if (_csv)
            {
                var (converted, error) = _layout!.ToJson(text);
                if (converted is null)
                {
                    return new TapeLine(_line, null, null, default, error);
                }

                json = converted;
            }
            else
            {
                json = System.Text.Encoding.UTF8.GetBytes(text);
            }

            return Check(json);
        }

        return null;
    }

    /// <summary>Skips to the end of line <paramref name="line"/> (a resumed replay), reading the CSV header on the way.</summary>
    public void SkipTo(long line)
    {
        while (_line < line && _lines.ReadLine(out _) is { } text)
        {
            _line++;
            if (_csv && _layout is null && !string.IsNullOrWhiteSpace(text))
            {
                _layout = CsvLayout.FromHeader(text);
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }

    private TapeLine Check(byte[] json)
    {
        _batch.Clear();
        _parser.Parse(json, _batch);
        if (_batch.Rejections.Count > 0)
        {
            return new TapeLine(_line, null, null, default, _batch.Rejections[0].Reason);
        }

        if (_batch.Order.Count != 1)
        {
            return new TapeLine(_line, null, null, default, _batch.Order.Count == 0 ? "no event on the line" : "one event per line (an array is not a line of a tape)");
        }

        var e = _batch.Order[0];
        var (underlying, ts) = _batch.Stamp(e);
        return new TapeLine(_line, json, underlying, ts, null);
    }

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
