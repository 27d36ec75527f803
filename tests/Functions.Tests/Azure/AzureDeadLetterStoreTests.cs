using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Azure;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Azure;

/// <summary>
/// Whole dead-lettered inputs on Azurite: streamed to a blob in blocks (never one request, never held whole), described
/// by a letter with their length and hash, and listed as letters only.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureDeadLetterStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Received = new(2026, 6, 5, 18, 45, 0, TimeSpan.Zero);

    [Fact]
    public async Task AWholeInputIsStreamedInBlocksAndItsLetterSaysWhereItIs()
    {
        var largest = new LargestRequest();
        var container = azurite.Account.Storage(string.Empty, largest).Container(AzuriteFixture.UniqueName("dl"));
        var store = new AzureDeadLetterStore(container);
        const long length = (3 * StoreContainer.StreamBlockBytes) + 12_345;

        var letter = await store.WriteWholeAsync("eh:invocation:big", Received, "invocation larger than 64 bytes", new PatternStream(length), default);

        Assert.NotNull(letter.Content);
        Assert.Equal(length, letter.Content.Bytes);
        Assert.Equal(PatternStream.Sha256(length), letter.Content.Sha256);
        Assert.Equal(IDeadLetterStore.ExcerptBytes, letter.Events[0].Raw.Length);
        Assert.True(largest.Bytes <= StoreContainer.StreamBlockBytes, $"largest request body {largest.Bytes:N0} bytes");
        Assert.True(largest.Blocks >= 4, $"{largest.Blocks} blocks staged");

        var blobName = letter.Content.Location[(container.Name.Length + 1)..];
        Assert.StartsWith(AzureDeadLetterStore.WholePrefix + "2026-06-05/", blobName, StringComparison.Ordinal);
        var stored = (await container.GetAsync(blobName, default))!;
        Assert.Equal(letter.Content.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored.Data.ToMemory().Span)));

        // Listing shows the letter, not the stored input; the same batch again leaves one letter and one blob.
        var again = await store.WriteWholeAsync("eh:invocation:big", Received, "invocation larger than 64 bytes", new PatternStream(length), default);
        Assert.Equal(letter.Content, again.Content);
        var listed = Assert.Single(await store.ListRecentAsync(10, default));
        Assert.Equal(("eh:invocation:big", letter.Content), (listed.BatchId, listed.Content));
        Assert.Equal("invocation larger than 64 bytes", Assert.Single(listed.Events).Reason);
    }

    /// <summary>Deterministic bytes (JSON-ish text) of a given length, readable once, not seekable: as a request body arrives.</summary>
    private sealed class PatternStream(long length) : ForwardOnlyStream
    {
        private const string Pattern = "{\"type\":\"trade\",\"underlying\":\"SPY\"}\n";
        private long _position;

        public static string Sha256(long length)
        {
            using var stream = new PatternStream(length);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = (byte)Pattern[(int)((_position + i) % Pattern.Length)];
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }

    /// <summary>The largest request body sent and how many blocks were staged.</summary>
    private sealed class LargestRequest : HttpPipelineSynchronousPolicy
    {
        private long _bytes;
        private int _blocks;

        public long Bytes => Interlocked.Read(ref _bytes);

        public int Blocks => Volatile.Read(ref _blocks);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Content is { } content && content.TryComputeLength(out var length) && length > Interlocked.Read(ref _bytes))
            {
                Interlocked.Exchange(ref _bytes, length);
            }

            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal) || message.Request.Uri.Query.EndsWith("comp=block", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _blocks);
            }
        }
    }
}
