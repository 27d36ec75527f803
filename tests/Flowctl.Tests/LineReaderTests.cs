using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>flowctl's tape lines: every line ending, lines across buffer boundaries, and a line over 1 MB refused without being held.</summary>
public sealed class LineReaderTests
{
    [Fact]
    public void LinesEndAsReadLineHasThem()
    {
        var text = "a\nb\r\nc\rd\n\ne";
        Assert.Equal(Lines(new StringReader(text)), Expected(new StringReader(text)));
    }

    [Fact]
    public void LinesAcrossBufferBoundariesAndCarriageReturnsAtTheEdge()
    {
        // The reader's buffer holds 65,536 characters: put a \r as its last one and the \n first in the next.
        var first = new string('x', 65_535);
        var text = first + "\r\n" + new string('y', 70_000) + "\nlast";
        Assert.Equal(Lines(new StringReader(text)), Expected(new StringReader(text)));
    }

    [Fact]
    public void ALineOverOneMegabyteIsReportedAndTheNextLineIsRead()
    {
        var text = "{\"a\":1}\n" + new string('z', LineReader.MaxLineChars + 10) + "\n{\"b\":2}\n";
        var reader = new LineReader(new StringReader(text));
        Assert.Equal("{\"a\":1}", reader.ReadLine(out var tooLong));
        Assert.False(tooLong);
        Assert.Equal(LineReader.MaxLineChars, reader.ReadLine(out tooLong)!.Length);
        Assert.True(tooLong);
        Assert.Equal("{\"b\":2}", reader.ReadLine(out tooLong));
        Assert.False(tooLong);
        Assert.Null(reader.ReadLine(out _));
    }

    [Fact]
    public void TheTapeRefusesTheLongLineByNumber()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "\n" + new string('z', LineReader.MaxLineChars + 1) + "\n");
            using var tape = new TapeReader(path, "ndjson");
            var line = tape.Next()!;
            Assert.Equal(2, line.Number);
            Assert.Contains("longer than", line.Reject, StringComparison.Ordinal);
            Assert.Null(tape.Next());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<string> Lines(TextReader text)
    {
        var reader = new LineReader(text);
        var lines = new List<string>();
        while (reader.ReadLine(out var tooLong) is { } line)
        {
            Assert.False(tooLong);
            lines.Add(line);
        }

        return lines;
    }

    private static List<string> Expected(TextReader text)
    {
        var lines = new List<string>();
        while (text.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
