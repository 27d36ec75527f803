namespace FlowFunctions.Analytics.Streaming;

/// <summary>The durable kinds of stream event (docs/api.md "Live flow stream"); previews are minutes too.</summary>
public enum StreamEventKind : byte
{
    Minute = 1,
    Block = 2,
    Alert = 3,
}

public static class StreamEventKinds
{
    public static readonly IReadOnlyList<StreamEventKind> All = [StreamEventKind.Minute, StreamEventKind.Block, StreamEventKind.Alert];

    /// <summary>The SSE event name: <c>minute</c>, <c>block</c>, <c>alert</c>.</summary>
    public static string Name(this StreamEventKind kind) => kind switch
    {
        StreamEventKind.Minute => "minute",
        StreamEventKind.Block => "block",
        StreamEventKind.Alert => "alert",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(ReadOnlySpan<char> name, out StreamEventKind kind)
    {
        kind = name switch
        {
            "minute" => StreamEventKind.Minute,
            "block" => StreamEventKind.Block,
            "alert" => StreamEventKind.Alert,
            _ => 0,
        };
        return kind != 0;
    }
}

/// <summary>
/// One event of the journal: its kind, the underlying it is about and its JSON body (one line, as sent in
/// <c>data:</c>). The body is written once, when the event is journaled, so every client and every resume sends the
/// same bytes.
/// </summary>
public sealed record StreamRecord(StreamEventKind Kind, string Symbol, string Data);

/// <summary>A page of a day's journal: its number (from 1, without gaps) and its events in order.</summary>
public sealed record StreamPage(long Number, IReadOnlyList<StreamRecord> Events);
