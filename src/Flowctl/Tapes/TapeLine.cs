namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// One line of a tape (1-based <see cref="Number"/>, the header of a CSV included): the event as JSON when it is valid
/// (with its underlying, the Event Hubs partition key, and its timestamp, for pacing), else why it was refused.
/// </summary>
public sealed record TapeLine(long Number, byte[]? Json, string? Underlying, DateTimeOffset Timestamp, string? Reject)
{
    public bool IsValid => Json is not null;

    /// <summary>Valid lines as one NDJSON payload (the ingest endpoint's and the pipeline's batch format).</summary>
    public static byte[] Ndjson(IReadOnlyList<TapeLine> lines)
    {
        var payload = new MemoryStream();
        foreach (var line in lines)
        {
            payload.Write(line.Json);
            payload.WriteByte((byte)'\n');
        }

        return payload.ToArray();
    }
}
