using System.Security.Cryptography;
using System.Text;

namespace FlowFunctions.Storage;

/// <summary>
/// A read-only, forward-only view of a stream that counts and hashes (SHA-256) what is read through it and keeps its
/// first bytes, so a dead-letter store can store an input of any size in one pass and still describe it
/// (<see cref="IDeadLetterStore.WriteWholeAsync"/>). Not thread-safe; dispose to release the hash.
/// </summary>
public sealed class TappedStream(Stream inner, int keep) : ForwardOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream _head = new();

    public long BytesRead { get; private set; }

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>The first bytes read, as text (invalid UTF-8 replaced), at most the count given.</summary>
    public string Head => Encoding.UTF8.GetString(_head.GetBuffer(), 0, (int)_head.Length);

    /// <summary>The SHA-256 of everything read so far, in lower-case hex.</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>
    /// The letter for a whole input read through this tap (<see cref="IDeadLetterStore.WriteWholeAsync"/>): one event
    /// with <paramref name="reason"/> and the first bytes, and the content's <paramref name="location"/>, length and hash.
    /// </summary>
    public DeadLetter Letter(string batchId, DateTimeOffset receivedUtc, string reason, string location) =>
        new(batchId, receivedUtc, [new DeadLetterEvent(0, reason, Head)]) { Content = new StoredContent(location, BytesRead, Sha256()) };

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _head.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        _hash.AppendData(read);
        var room = keep - (int)_head.Length;
        if (room > 0)
        {
            _head.Write(read[..Math.Min(room, read.Length)]);
        }
    }
}
