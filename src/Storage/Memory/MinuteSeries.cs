namespace FlowFunctions.Storage.Memory;

/// <summary>
/// Values keyed by minute, kept sorted in two parallel arrays: appending the newest minute (the common case for a
/// live tape) is O(1), a late minute is inserted in place, and a window is two binary searches. Not thread-safe.
/// </summary>
internal sealed class MinuteSeries<T>
{
    private long[] _minutes = new long[16];
    private T[] _values = new T[16];

    public int Count { get; private set; }

    public long MinuteAt(int index) => _minutes[index];

    public ref T ValueAt(int index) => ref _values[index];

    /// <summary>The slot of <paramref name="minute"/>, created (default) when missing.</summary>
    public ref T GetOrAdd(long minute)
    {
        if (Count > 0 && _minutes[Count - 1] == minute)
        {
            return ref _values[Count - 1];
        }

        var i = Count > 0 && _minutes[Count - 1] < minute ? Count : LowerBound(minute);
        if (i < Count && _minutes[i] == minute)
        {
            return ref _values[i];
        }

        if (Count == _minutes.Length)
        {
            Array.Resize(ref _minutes, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        Array.Copy(_minutes, i, _minutes, i + 1, Count - i);
        Array.Copy(_values, i, _values, i + 1, Count - i);
        _minutes[i] = minute;
        _values[i] = default!;
        Count++;
        return ref _values[i];
    }

    /// <summary>The index of <paramref name="minute"/>, or −1 when it holds no value.</summary>
    public int IndexOf(long minute)
    {
        var i = LowerBound(minute);
        return i < Count && _minutes[i] == minute ? i : -1;
    }

    /// <summary>Removes the minute at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        Array.Copy(_minutes, index + 1, _minutes, index, Count - index - 1);
        Array.Copy(_values, index + 1, _values, index, Count - index - 1);
        Count--;
        _values[Count] = default!;
    }

    /// <summary>Index range [start, end) of the minutes with first ≤ minute ≤ last.</summary>
    public (int Start, int End) Range(long first, long last) =>
        first > last ? (0, 0) : (LowerBound(first), LowerBound(last == long.MaxValue ? last : last + 1));

    /// <summary>Removes every minute before <paramref name="minute"/>.</summary>
    public void RemoveBefore(long minute)
    {
        var cut = LowerBound(minute);
        if (cut == 0)
        {
            return;
        }

        Array.Copy(_minutes, cut, _minutes, 0, Count - cut);
        Array.Copy(_values, cut, _values, 0, Count - cut);
        Array.Clear(_values, Count - cut, cut);
        Count -= cut;
    }

    /// <summary>First index whose minute is ≥ <paramref name="minute"/>.</summary>
    private int LowerBound(long minute)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_minutes[mid] < minute)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
