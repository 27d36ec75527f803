namespace FlowFunctions.Storage;

/// <summary>Where the app keeps its state (<c>Storage:Mode</c>, docs/storage.md "Configuration").</summary>
public enum StorageMode
{
    /// <summary>In process, lost on exit: the standalone default.</summary>
    Memory,

    /// <summary>Azure Table and Blob Storage (Azurite locally): the default under the Functions host.</summary>
    Azure,
}

/// <summary>The configuration and wire names of <see cref="StorageMode"/>: <c>memory</c> and <c>azure</c>.</summary>
public static class StorageModes
{
    public static string Name(this StorageMode mode) => mode switch
    {
        StorageMode.Memory => "memory",
        StorageMode.Azure => "azure",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>A configuration value (any case, surrounding spaces ignored); an unknown one throws, naming the setting.</summary>
    public static StorageMode Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "memory" => StorageMode.Memory,
        "azure" => StorageMode.Azure,
        _ => throw new InvalidOperationException($"Storage:Mode '{value.Trim()}' is not known; use 'memory' or 'azure'."),
    };
}
