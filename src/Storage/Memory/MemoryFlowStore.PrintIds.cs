using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Storage.Memory;

// Exactly once per print (docs/api.md "Exactly once per print"): the ids counted, per underlying and minute, each with
// the batch that counted it; the pipeline's check before it folds, and the commit's check and record under the write
// lock (the record taken back with the rest of a commit that fails).
public sealed partial class MemoryFlowStore
{
    public Task<IReadOnlySet<PrintKey>> FindCountedPrintsAsync(IReadOnlyCollection<PrintKey> prints, string batchId, CancellationToken cancellationToken) =>
        Read<IReadOnlySet<PrintKey>>(() =>
        {
            var counted = new HashSet<PrintKey>();
            foreach (var key in prints)
            {
                if (_printIds.TryGetValue((key.Underlying, key.Minute), out var ids) && ids.TryGetValue(key.Id, out var owner) && owner != batchId)
                {
                    counted.Add(key);
                }
            }

            return counted;
        });

    /// <summary>Throws <see cref="PrintsAlreadyCountedException"/> when a print of the fold is counted already or repeats one of the fold's own.</summary>
    private void CheckNotCounted(FlowFold fold)
    {
        var seen = new HashSet<(string, long, TradeId)>();
        var counted = 0;
        foreach (var (key, print) in fold.Ledger)
        {
            if (!print.Id.IsNone && (!seen.Add((key.Symbol, key.Minute, print.Id))
                || (_printIds.TryGetValue((key.Symbol, key.Minute), out var ids) && ids.ContainsKey(print.Id))))
            {
                counted++;
            }
        }

        if (counted > 0)
        {
            throw new PrintsAlreadyCountedException(counted);
        }
    }

    private void RecordPrintIds(FlowFold fold, string batchId)
    {
        foreach (var (key, print) in fold.Ledger)
        {
            if (print.Id.IsNone)
            {
                continue;
            }

            var minute = (key.Symbol, key.Minute);
            if (!_printIds.TryGetValue(minute, out var ids))
            {
                Remember(_printIds, minute);
                _printIds[minute] = ids = [];
            }

            var id = print.Id;
            ids.Add(id, batchId);
            OnUndo(() => ids.Remove(id));
        }
    }
}
