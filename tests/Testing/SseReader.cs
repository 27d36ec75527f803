using System.Text;

namespace FlowFunctions.Testing;

/// <summary>One Server-Sent Event as a client dispatches it: its id (the last one set), its type and its data.</summary>
public sealed record SseEvent(string? Id, string Event, string Data)
{
    /// <summary>A journaled event (minute final, block, alert): its id has no preview suffix and it is not a control event.</summary>
    public bool IsDurable => Id is not null && !Id.Contains('~', StringComparison.Ordinal) && Event is "minute" or "block" or "alert";
}

/// <summary>
/// Reads a <c>text/event-stream</c> as the HTML standard's parser does: <c>field: value</c> lines, an event dispatched
/// at each blank line, comments counted. A connection cut inside an event leaves that event out, as a browser does.
/// </summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);
    private string? _lastId;

    public int Comments { get; private set; }

    public int? Retry { get; private set; }

    /// <summary>The id of the last event dispatched (what EventSource would send as Last-Event-ID).</summary>
    public string? LastId => _lastId;

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken = default)
    {
        string? type = null;
        string? id = null;
        var data = new StringBuilder();
        var any = false;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null)
                {
                    _lastId = id;
                }

                if (!any)
                {
                    continue;
                }

                return new SseEvent(_lastId, type ?? "message", data.ToString());
            }

            if (line[0] == ':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Append(data.Length > 0 ? "\n" : string.Empty).Append(value);
                    any = true;
                    break;
                case "retry":
                    Retry = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
