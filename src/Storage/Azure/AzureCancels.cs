using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Storage.Azure;

/// <summary>
/// Applies a committed batch's cancels to the <c>flow</c> table (docs/storage.md, "Cancels"; docs/methodology.md §13),
/// one at a time, after the batch's own rows: each finds its print in the ledger of its symbol-minute, then writes one
/// set of corrections under a tag of its own, so a redelivered batch skips every row a cancel already reached and
/// finishes the rest. A cancel's tombstone is ignored while finding its own print, so a cancel cut short is finished,
/// not lost. Every row a cancel touches is in its symbol's partition.
/// </summary>
internal sealed class AzureCancels(StoreTable flow, FlowRowWriter writer, int retentionDays)
{
    /// <summary>Applies the commit's cancels in order; returns how many named no print held.</summary>
    public async Task<int> ApplyAsync(FlowCommit commit, CancellationToken cancellationToken)
    {
        var unmatched = 0;
        for (var i = 0; i < commit.Fold.Cancels.Count; i++)
        {
            var tag = AzureFlowStore.Tag($"{commit.BatchId}#cancel{i}");
            if (!await ApplyAsync(commit.Fold.Cancels[i], commit.Lane, tag, cancellationToken))
            {
                unmatched++;
            }
        }

        return unmatched;
    }

    private async Task<bool> ApplyAsync(CancelEvent cancel, string lane, ulong tag, CancellationToken cancellationToken)
    {
        var symbol = cancel.Underlying;
        var partition = FlowRows.PartitionOf(symbol);
        var minute = MinuteBucket.Of(cancel.Timestamp);
        var left = (await ReadLedgerAsync(flow, partition, symbol, minute, minute + 1, tag, cancellationToken)).GetValueOrDefault(minute) ?? [];
        var index = left.FindIndex(e => e.Print.Id == cancel.Id && e.Print.Contract == cancel.Contract);
        if (index < 0)
        {
            return false;
        }

        var (p, printLane) = left[index];
        left.RemoveAt(index);
        var hour = minute / 60;
        var changes = new Dictionary<string, FlowRowChange>(StringComparer.Ordinal);
        Change(FlowRows.LedgerRow(symbol, minute, lane, tag, 0), FlowRows.DayDataUntil(p.TradingDate, retentionDays)).Cells[LedgerCodec.TombstonesCell] =
            LedgerCodec.EncodeTombstones([new Tombstone(cancel.Id, cancel.Contract, tag)]);

        // The minute, and for a 0DTE print its strike: the latest is found again among the minute's prints left.
        var minuteLast = Latest(left, static _ => true);
        Change(FlowRows.MinuteRow(symbol, hour), FlowRows.MinuteRowUntil(hour, retentionDays)).Cells[FlowRows.MinuteCell(minute)] =
            FlowCodec.AsCorrection(FlowCodec.EncodeTally(Negative(p, minuteLast)));
        if (p.ZeroDte)
        {
            var strike = p.Contract.StrikeMilli;
            var flowAt = default(StrikeMinuteFlow);
            flowAt.Remove(p.DeltaCents, p.GammaCents, p.Size, Latest(left, q => q.ZeroDte && q.Contract.StrikeMilli == strike));
            Change(FlowRows.ZeroDteRow(symbol, hour), FlowRows.DayDataUntil(p.TradingDate, retentionDays)).Cells[FlowRows.MinuteCell(minute)] =
                FlowCodec.AsCorrection(FlowCodec.EncodeStrikes(new Dictionary<int, StrikeMinuteFlow> { [strike] = flowAt }));
        }

        await CorrectContractAsync(p, symbol, minute, left, Change, cancellationToken);
        await CorrectRollupsAsync(p, printLane, symbol, minute, minuteLast, Change, cancellationToken);
        if (p.SpotObserved)
        {
            await CorrectSpotAsync(p, symbol, minute, left, Change, cancellationToken);
        }

        await writer.WriteAsync(partition, [.. changes.Values.OrderBy(c => c.RowKey, StringComparer.Ordinal)], tag, cancellationToken);
        return true;

        FlowRowChange Change(string rowKey, long until)
        {
            if (!changes.TryGetValue(rowKey, out var change))
            {
                changes[rowKey] = change = new FlowRowChange(partition, rowKey, until);
            }

            return change;
        }
    }

    /// <summary>The contract's day: its latest is kept unless it was the print, then found again in the ledger, newest minute first.</summary>
    private async Task CorrectContractAsync(LedgerPrint p, string symbol, long minute, List<(LedgerPrint Print, string Lane)> left, Func<string, long, FlowRowChange> change, CancellationToken cancellationToken)
    {
        var partition = FlowRows.PartitionOf(symbol);
        var rowKey = FlowRows.ContractRow(symbol, p.TradingDate, p.Contract.Expiry, p.Contract.Right);
        var cell = FlowRows.ContractCell(p.Contract.Expiry, p.Contract.Right);
        var held = await flow.GetEntityAsync(partition, rowKey, cancellationToken) is { } entity
            && FlowRow.From(entity).Cells.GetValueOrDefault(cell) is { } bytes
            && FlowCodec.DecodeContracts(bytes).TryGetValue(p.Contract.StrikeMilli, out var stored)
            ? stored.Flow.Last
            : LastPrint.None;
        var last = held == p.Print
            ? await LatestBackAsync(symbol, minute, left, q => q.Contract == p.Contract && q.TradingDate == p.TradingDate, FirstMinuteOf(p.TradingDate), cancellationToken)
            : held;
        var negative = default(ContractDayFlow);
        negative.Remove(p.Side, p.BuyMilli, p.Size, p.PremiumCents, last);
        change(rowKey, FlowRows.DayDataUntil(p.TradingDate, retentionDays)).Cells[cell] =
            FlowCodec.AsCorrection(FlowCodec.EncodeContracts(new Dictionary<int, ContractDayFlow> { [p.Contract.StrikeMilli] = negative }));
    }

    /// <summary>
    /// The minute, hour and day rollups: the print's lane loses the print; every lane's row gets as its latest the newest
    /// print left over all lanes (from the minute's ledger and the symbol's minute rows), so the newest over lanes that
    /// reads take is right, and stays right whichever lane's print a later cancel takes back.
    /// </summary>
    private async Task CorrectRollupsAsync(LedgerPrint p, string printLane, string symbol, long minute, LastPrint minuteLast, Func<string, long, FlowRowChange> change, CancellationToken cancellationToken)
    {
        var partition = FlowRows.PartitionOf(symbol);
        var (hour, day) = (minute / 60, minute / 1440);
        LastPrint hourLast = minuteLast, dayLast = minuteLast;
        await foreach (var entity in flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {FlowRows.MinuteRow(symbol, day * 24)} and RowKey le {FlowRows.MinuteRow(symbol, (day * 24) + 23)}", null, cancellationToken))
        {
            var rowHour = FlowRows.HourOfRow(entity.RowKey);
            foreach (var (cell, bytes) in FlowRow.From(entity).Cells)
            {
                if (!FlowRows.IsMinuteCell(cell) || FlowRows.MinuteOfCell(rowHour, cell) == minute)
                {
                    continue;
                }

                var last = FlowCodec.DecodeTally(bytes).Last;
                dayLast = LastPrint.Latest(dayLast, last);
                hourLast = rowHour == hour ? LastPrint.Latest(hourLast, last) : hourLast;
            }
        }

        var bucket = FlowRows.BucketCell(symbol);
        foreach (var (from, to, last, until) in new[]
        {
            (FlowRows.MinuteRollupFrom(minute) + "|", FlowRows.MinuteRollupFrom(minute) + "}", minuteLast, FlowRows.MinuteRollupUntil(minute, retentionDays)),
            (FlowRows.HourRollupFrom(hour) + "|", FlowRows.HourRollupFrom(hour) + "}", hourLast, FlowRows.HourRollupUntil(hour, retentionDays)),
            (FlowRows.DayRollupFrom(day) + "|", FlowRows.DayRollupFrom(day) + "}", dayLast, FlowRows.DayRollupUntil(day, retentionDays)),
        })
        {
            await foreach (var entity in flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}", ["RowKey"], cancellationToken))
            {
                var tally = entity.RowKey.EndsWith("|" + printLane, StringComparison.Ordinal) ? Negative(p, last) : new FlowTally { Last = last };
                change(entity.RowKey, until).Cells[bucket] = FlowCodec.AsCorrection(FlowCodec.EncodeTallies(new Dictionary<string, FlowTally> { [symbol] = tally }));
            }
        }
    }

    /// <summary>When the print's spot is the symbol's newest, every lane's spot becomes the newest left: spot events and chains, or prints.</summary>
    private async Task CorrectSpotAsync(LedgerPrint p, string symbol, long minute, List<(LedgerPrint Print, string Lane)> left, Func<string, long, FlowRowChange> change, CancellationToken cancellationToken)
    {
        var partition = FlowRows.PartitionOf(symbol);
        var spotRows = await NewestAsync(partition, symbol, FlowRows.SpotRowsFrom, FlowRows.SpotRowsTo, cancellationToken);
        if (spotRows.Newest != new SpotMark(p.Print.Spot, p.Print.Timestamp))
        {
            return;
        }

        var (quoted, _) = await NewestAsync(partition, symbol, FlowRows.QuoteRowsFrom, FlowRows.QuoteRowsTo, cancellationToken);
        var stop = quoted is { } q ? Math.Max(MinuteBucket.Of(q.Timestamp), 0) : minute - FlowRows.DayDataMinutes;
        var printed = await LatestBackAsync(symbol, minute, left, static q => q.SpotObserved, stop, cancellationToken);
        SpotMark? newest = printed.IsNone ? quoted : quoted is { } held && held.Timestamp >= printed.Timestamp ? held : new SpotMark(printed.Spot, printed.Timestamp);
        foreach (var rowKey in spotRows.Rows)
        {
            change(rowKey, long.MaxValue).Cells[FlowRows.BucketCell(symbol)] =
                FlowCodec.AsCorrection(FlowCodec.EncodeSpots(new Dictionary<string, SpotMark> { [symbol] = newest ?? FlowCodec.NoSpot }));
        }
    }

    /// <summary>The newest mark of a symbol over the lanes' rows of one spot family, and the rows' keys.</summary>
    private async Task<(SpotMark? Newest, List<string> Rows)> NewestAsync(string partition, string symbol, string from, string to, CancellationToken cancellationToken)
    {
        SpotMark? newest = null;
        var rows = new List<string>();
        await foreach (var entity in flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}", null, cancellationToken))
        {
            rows.Add(entity.RowKey);
            if (FlowRow.From(entity).Cells.GetValueOrDefault(FlowRows.BucketCell(symbol)) is { } bytes && FlowCodec.DecodeSpots(bytes).TryGetValue(symbol, out var mark)
                && (newest is not { } held || mark.Timestamp > held.Timestamp))
            {
                newest = mark;
            }
        }

        return (newest, rows);
    }

    /// <summary>
    /// The latest print passing <paramref name="keep"/> at or before <paramref name="minute"/>: among the minute's prints
    /// left, else the rest of its hour, else hour by hour back to <paramref name="stop"/>. None when there is none.
    /// </summary>
    private async Task<LastPrint> LatestBackAsync(string symbol, long minute, List<(LedgerPrint Print, string Lane)> left, Func<LedgerPrint, bool> keep, long stop, CancellationToken cancellationToken)
    {
        var last = Latest(left, keep);
        var partition = FlowRows.PartitionOf(symbol);
        for (var end = minute; last.IsNone && end > stop; end -= end % 60 == 0 ? 60 : end % 60)
        {
            var first = Math.Max(stop, end % 60 == 0 ? end - 60 : end - (end % 60));
            foreach (var prints in (await ReadLedgerAsync(flow, partition, symbol, first, end, 0, cancellationToken)).Values)
            {
                last = LastPrint.Latest(last, Latest(prints, keep));
            }
        }

        return last;
    }

    /// <summary>The ledger of first ≤ minute &lt; end by minute: every print with its lane, less those cancelled (except by <paramref name="ignoredTag"/>).</summary>
    internal static async Task<Dictionary<long, List<(LedgerPrint Print, string Lane)>>> ReadLedgerAsync(
        StoreTable flow,
        string partition, string symbol, long first, long end, ulong ignoredTag, CancellationToken cancellationToken)
    {
        var prints = new Dictionary<long, List<(LedgerPrint, string)>>();
        var tombstones = new List<(long Minute, Tombstone Stone)>();
        var (from, to) = FlowRows.LedgerRows(symbol, first, end);
        await foreach (var entity in flow.QueryAllAsync($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}", null, cancellationToken))
        {
            var (minute, lane) = FlowRows.OfLedgerRow(entity.RowKey);
            var row = FlowRow.From(entity);
            if (row.Cells.GetValueOrDefault(LedgerCodec.PrintsCell) is { } printed)
            {
                if (!prints.TryGetValue(minute, out var list))
                {
                    prints[minute] = list = [];
                }

                list.AddRange(LedgerCodec.DecodePrints(printed).Select(q => (q, lane)));
            }

            if (row.Cells.GetValueOrDefault(LedgerCodec.TombstonesCell) is { } stones)
            {
                tombstones.AddRange(LedgerCodec.DecodeTombstones(stones).Where(t => t.CancelTag != ignoredTag).Select(t => (minute, t)));
            }
        }

        foreach (var (minute, stone) in tombstones)
        {
            if (prints.TryGetValue(minute, out var list))
            {
                var i = list.FindIndex(e => e.Item1.Id == stone.Id && e.Item1.Contract == stone.Contract);
                if (i >= 0)
                {
                    list.RemoveAt(i);
                }
            }
        }

        return prints;
    }

    private static LastPrint Latest(IEnumerable<(LedgerPrint Print, string Lane)> prints, Func<LedgerPrint, bool> keep) =>
        LedgerPrint.Latest(prints.Select(e => e.Print), keep, static (q, k) => k(q));

    /// <summary>What the print added to a tally, negated, with <paramref name="last"/> as the latest print.</summary>
    private static FlowTally Negative(in LedgerPrint p, LastPrint last)
    {
        var t = default(FlowTally);
        t.Remove(p.Side, p.Size, p.PremiumCents, last);
        return t;
    }

    private static long FirstMinuteOf(DateOnly tradingDate) => MinuteBucket.Of(NewYorkTime.ToUtc(tradingDate, TimeOnly.MinValue));
}
