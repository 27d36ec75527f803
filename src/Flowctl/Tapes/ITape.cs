namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// What <c>replay</c> and <c>import</c> send from: events one at a time, numbered 1, 2, … in an order that is the same
/// on every run (so a checkpoint's number names the same event when resumed), and how far through its files it is.
/// </summary>
public interface ITape : IDisposable
{
    /// <summary>The files' size in bytes (compressed, when they are), for progress.</summary>
    long Length { get; }

    /// <summary>How much of the files has been read, in bytes.</summary>
    long Position { get; }

    /// <summary>The next event, or null at the end.</summary>
    TapeLine? Next();

    /// <summary>Reads past event or line number <paramref name="line"/> without returning it (a resumed run).</summary>
    void SkipTo(long line);
}
