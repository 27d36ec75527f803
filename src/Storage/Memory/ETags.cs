namespace FlowFunctions.Storage.Memory;

/// <summary>ETags of the memory stores: a quoted, store-wide increasing version, as opaque to callers as Azure's.</summary>
internal sealed class ETags
{
    private long _version;

    public string Next() => $"\"{Interlocked.Increment(ref _version):x}\"";
}
