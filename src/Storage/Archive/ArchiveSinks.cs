using FlowFunctions.Storage.Azure;

namespace FlowFunctions.Storage.Archive;

/// <summary>Where a day archive's files go (<see cref="DayArchive"/>): paths are relative, with '/' between folders.</summary>
public interface IArchiveSink
{
    /// <summary>Writes (or replaces) one file whole.</summary>
    Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Whether a file is there.</summary>
    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken);
}

/// <summary>A folder on this machine: the standalone app's archive (<c>Archive:Directory</c>), and a laptop's lake.</summary>
public sealed class DirectoryArchiveSink(string root) : IArchiveSink
{
    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // Written beside, then moved over: a reader never sees half a file.
        var partial = full + ".partial";
        await File.WriteAllBytesAsync(partial, bytes, cancellationToken);
        File.Move(partial, full, overwrite: true);
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(File.Exists(FullPath(path)));

    private string FullPath(string path)
    {
        var full = Path.GetFullPath(Path.Combine(Root, path));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{path}' is outside the archive's folder.", nameof(path));
    }
}

/// <summary>A Blob Storage container: the function app's archive (container <c>archive</c> of its account).</summary>
public sealed class BlobArchiveSink(StoreContainer container) : IArchiveSink
{
    public const string ContainerName = "archive";

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await container.EnsureCreatedAsync(cancellationToken);
        await container.PutAsync(path, BinaryData.FromBytes(bytes), path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/vnd.apache.parquet", null, null, cancellationToken);
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        await container.EnsureCreatedAsync(cancellationToken);
        await foreach (var blob in container.ListAsync(path, cancellationToken))
        {
            if (blob.Name == path)
            {
                return true;
            }
        }

        return false;
    }
}
