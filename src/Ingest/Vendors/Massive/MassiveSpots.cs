namespace FlowFunctions.Ingest.Vendors.Massive;

/// <summary>
/// The underlyings' prices by minute from Massive's stock minute aggregates or stock trades (docs/importing.md
/// "Massive"): a print takes its minute's open (known when the minute began), or the close of the last minute before
/// it. Held for the names kept (<c>--symbols</c>), every minute of the day. Not thread-safe.
/// </summary>
public sealed class MassiveSpots
{
    private const long Minute = 60_000_000_000L;
    private readonly Dictionary<string, List<(long Start, Fixed Open, Fixed Close)>> _minutes = new(StringComparer.Ordinal);

    public int Names => _minutes.Count;

    /// <summary>Reads a stock minute-aggregates or stock trades file whole.</summary>
    public void Load(MassiveCsv csv, VendorFilter filter, VendorTally tally)
    {
        var ticker = csv.Column("ticker");
        var minutes = csv.Kind == MassiveFileKind.StockMinutes;
        var time = csv.Column(minutes ? "window_start" : "sip_timestamp");
        var open = csv.Column(minutes ? "open" : "price");
        var close = minutes ? csv.Column("close") : open;
        while (csv.Next())
        {
            tally.Records++;
            var symbol = csv.Row[ticker].Span;
            if (!filter.KeepsSymbol(symbol.ToString()))
            {
                tally.Skip("stock outside --symbols");
                continue;
            }

            var start = csv.Integer(time, "the time") / Minute * Minute;
            Add(symbol.ToString(), start, csv.Price(open, "the price"), csv.Price(close, "the price"));
        }
    }

    /// <summary>The underlying's price at <paramref name="tsNanos"/>, or null when no minute at or before it is known.</summary>
    public Fixed? At(string underlying, long tsNanos)
    {
        if (!_minutes.TryGetValue(underlying, out var list))
        {
            return null;
        }

        int lo = 0, hi = list.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Start <= tsNanos)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : tsNanos < list[found].Start + Minute ? list[found].Open : list[found].Close;
    }

    private void Add(string symbol, long start, Fixed open, Fixed close)
    {
        if (!_minutes.TryGetValue(symbol, out var list))
        {
            _minutes[symbol] = list = [];
        }

        // A trades file gives many rows a minute: the first is the open, the last the close.
        if (list.Count > 0 && list[^1].Start == start)
        {
            list[^1] = (start, list[^1].Open, close);
        }
        else if (list.Count > 0 && list[^1].Start > start)
        {
            var at = list.FindIndex(m => m.Start >= start);
            if (list[at].Start == start)
            {
                list[at] = (start, list[at].Open, close);
            }
            else
            {
                list.Insert(at, (start, open, close));
            }
        }
        else
        {
            list.Add((start, open, close));
        }
    }
}
