using System.Collections.Concurrent;

namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Interns symbols and short identifiers so that parsing a print allocates no string for a name it has seen before,
/// and keeps the parser's caches of the raw bytes those names came as (<see cref="Utf8StringCache"/>): one table lives as
/// long as the app, while a parser is made per batch.
/// Bounded: past <see cref="Capacity"/> entries new names are allocated but not kept, so hostile input cannot grow
/// it without limit. Thread-safe.
/// </summary>
public sealed class SymbolTable(int capacity = 50_000)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public int Count => _names.Count;

    /// <summary>Underlyings seen before, by the raw bytes they came as, to their normalised, interned symbol.</summary>
    internal Utf8StringCache Underlyings { get; } = new();

    /// <summary>Exchange codes seen before, by their raw bytes, to their interned string.</summary>
    internal Utf8StringCache Exchanges { get; } = new(slotBits: 8);

    public string Intern(ReadOnlySpan<char> name)
    {
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var created = new string(name);
        return _names.Count < Capacity ? _names.GetOrAdd(created, created) : created;
    }
}
