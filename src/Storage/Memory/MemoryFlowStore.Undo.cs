using FlowFunctions.Analytics.Aggregates;

namespace FlowFunctions.Storage.Memory;

// All or nothing (docs/reliability.md, "What no feed can do"): every change a commit makes first notes how to take
// itself back; a commit that throws part-way runs the notes backwards. Outside a commit (pruning) nothing is noted.
public sealed partial class MemoryFlowStore
{
    private void Step(string name) => AfterCommitStep?.Invoke(name);

    /// <summary>Notes how to take back a change the running commit is about to make (a no-op outside a commit).</summary>
    private void OnUndo(Action undo) => _undo?.Add(undo);

    /// <summary>Notes the value a dictionary holds at <paramref name="key"/> (or that it holds none) before it changes.</summary>
    private void Remember<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key)
        where TKey : notnull
    {
        if (_undo is null)
        {
            return;
        }

        if (map.TryGetValue(key, out var before))
        {
            OnUndo(() => map[key] = before);
        }
        else
        {
            OnUndo(() => map.Remove(key));
        }
    }

    /// <summary>Notes the value a minute series holds at <paramref name="minute"/> (or that it holds none) before it changes.</summary>
    private void RememberMinute<T>(MinuteSeries<T> series, long minute)
    {
        if (_undo is null)
        {
            return;
        }

        var i = series.IndexOf(minute);
        if (i >= 0)
        {
            var before = series.ValueAt(i);
            OnUndo(() => series.GetOrAdd(minute) = before);
        }
        else
        {
            OnUndo(() =>
            {
                var j = series.IndexOf(minute);
                if (j >= 0)
                {
                    series.RemoveAt(j);
                }
            });
        }
    }

    private void SetSpot(SymbolData data, SpotMark? mark)
    {
        var before = data.Spot;
        OnUndo(() => data.Spot = before);
        data.Spot = mark;
    }
}
