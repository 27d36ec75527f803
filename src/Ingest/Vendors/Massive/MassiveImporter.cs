using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors.Massive;

/// <summary>
/// Turns Massive files into the app's events (docs/importing.md "Massive"): chain snapshots saved from the REST
/// snapshot endpoint become chains (open interest, IV, quote); stock minute aggregates or trades become the spot each
/// print carries; each options trades file is joined as of each print with the same day's options quotes file for the
/// NBBO, a streaming merge in the files' own order (ticker, then SIP time), holding one contract's quote and recent
/// prints at a time. <see cref="Step"/> does one row; the snapshots and spot files are read at the first. Not thread-safe.
/// </summary>
public sealed partial class MassiveImporter : IDisposable
{
    private const int Recent = 256; // a contract's prints a cancel may name

    private readonly IVendorEventSink _sink;
    private readonly VendorFilter _filter;
    private readonly VendorEventWriter _writer = new();
    private readonly MassiveSpots _spots = new();
    private readonly List<string> _snapshots = [];
    private readonly List<string> _spotFiles = [];
    private readonly Queue<(string Trades, string? Quotes)> _days = new();
    private readonly long _length;
    private long _done;
    private bool _prepared;
    private TradeFile? _current;

    public MassiveImporter(IReadOnlyList<string> files, VendorFilter filter, IVendorEventSink sink)
    {
        _sink = sink;
        _filter = filter;
        var trades = new List<(string File, long FirstTs)>();
        var quotes = new List<(string File, long FirstTs)>();
        foreach (var file in files)
        {
            _length += new FileInfo(file).Length;
            if (IsJson(file))
            {
                _snapshots.Add(file);
                continue;
            }

            using var csv = new MassiveCsv(file);
            switch (csv.Kind)
            {
                case MassiveFileKind.OptionTrades: trades.Add((file, FirstTs(csv, "sip_timestamp"))); break;
                case MassiveFileKind.OptionQuotes: quotes.Add((file, FirstTs(csv, "sip_timestamp"))); break;
                default: _spotFiles.Add(file); break;
            }
        }

        // Each trades file is joined with the quotes file of its own trading date (New York), when one was given.
        foreach (var (file, first) in trades.OrderBy(t => t.FirstTs))
        {
            var day = Analytics.Time.NewYorkTime.TradingDate(DateTimeOffset.UnixEpoch.AddTicks(first / 100));
            var match = quotes.Where(q => Analytics.Time.NewYorkTime.TradingDate(DateTimeOffset.UnixEpoch.AddTicks(q.FirstTs / 100)) == day).Select(q => q.File).ToList();
            if (match.Count > 1)
            {
                throw new VendorFormatException($"{match[1]}: a second quotes file for {day:yyyy-MM-dd} (with {match[0]}); give one quotes file a day.");
            }

            _days.Enqueue((file, match.SingleOrDefault()));
        }
    }

    public VendorTally Tally { get; } = new();

    public long Length => _length;

    public long Position => _done + (_current?.Position ?? 0);

    /// <summary>Reads one row (the first call reads the snapshots and the spot files whole); false when every file is done.</summary>
    public bool Step()
    {
        if (!_prepared)
        {
            _prepared = true;
            foreach (var file in _spotFiles)
            {
                using var csv = new MassiveCsv(file);
                _spots.Load(csv, _filter, Tally);
                _done += csv.Length;
            }

            foreach (var file in _snapshots)
            {
                ReadSnapshot(file);
            }

            EmitChains();
            return true;
        }

        while (true)
        {
            if (_current is null)
            {
                if (!_days.TryDequeue(out var day))
                {
                    return false;
                }

                _current = new TradeFile(day.Trades, day.Quotes);
            }

            if (_current.Next())
            {
                Tally.Records++;
                Print(_current);
                return true;
            }

            _done += _current.Length;
            _current.Dispose();
            _current = null;
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _writer.Dispose();
    }

    private void Print(TradeFile t)
    {
        var reading = MassiveConditions.Read(t.Conditions);
        if (reading.NotATrade)
        {
            Tally.Skip("multilateral compression (no market trade)");
            return;
        }

        if (!_filter.Keeps(t.Underlying, t.Ts))
        {
            Tally.Skip("outside --from/--until/--symbols");
            return;
        }

        var price = t.Price;
        var size = t.Size;
        if (reading.Cancels || t.Correction != 0)
        {
            // The withdrawn print: the latest earlier one of this contract at this price and size on this venue.
            if (t.TakeBack(price, size) is not { } withdrawn)
            {
                Tally.Skip("cancel or correction of a print not earlier in the file");
                return;
            }

            Emit(_writer.Cancel(withdrawn.Ts, t.Underlying, t.Contract, withdrawn.Id), t.Underlying, withdrawn.Ts);
            return;
        }

        Span<byte> id = stackalloc byte[16];
        t.PrintId(id);
        var spot = _spots.At(t.Underlying, t.Ts);
        var (bid, ask) = t.Quote;
        Emit(_writer.Trade(t.Ts, t.Named, price, size, bid, ask, SideHint.None, reading.Conditions, id, spot), t.Underlying, t.Ts);
        t.Remember(price, size, id);
    }

    private void Emit(ReadOnlySpan<byte> json, string underlying, long ts)
    {
        Tally.Events++;
        _sink.Event(json, underlying, ts);
    }

    private static bool IsJson(string file)
    {
        using var stream = File.OpenRead(file);
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n')
        {
        }

        return b is '{' or '[';
    }

    private static long FirstTs(MassiveCsv csv, string column)
    {
        var index = csv.Column(column);
        return csv.Next() ? csv.Integer(index, column) : long.MaxValue;
    }
}
