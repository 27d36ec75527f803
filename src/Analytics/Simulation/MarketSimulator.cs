using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation.Truth;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// A deterministic options market for one trading date: the morning chain baseline at 09:25 New York, then minute by
/// minute from 09:30 to 16:00 an underlying random walk, per-symbol flow regimes that shift through the day, and
/// prints with heavy-tailed sizes, sweeps, blocks and NBBO quotes from an IV smile. The same seed and date give the
/// same tape however <see cref="AdvanceTo"/> is stepped, so it can backfill to now and then stream. The tape carries
/// the mistakes real tapes make (<see cref="TapeRealism"/>), and <see cref="Truth"/> what it hides. A late print appears
/// at the instant it was reported, after its own timestamp; a cancel appears after the print it names, in a later
/// minute when its delay says so. Not thread-safe.
/// </summary>
public sealed class MarketSimulator
{
    private readonly SimulatorOptions _options;
    private readonly SimulatedSymbol[] _symbols;
    private readonly List<RegimeSpan> _regimes = [];
    private readonly EventBatch _pending = new();
    private readonly List<DateTimeOffset> _pendingReported = []; // per pending event, in order: when it appears on the tape
    private readonly List<SimPrint> _laterCancels = []; // cancels due after the minute generated last
    private int _pendingIndex;
    private long _nextMinute; // minutes after the open not yet generated

    public MarketSimulator(SimulatorOptions options, DateOnly tradingDate)
    {
        _options = options;
        TradingDate = tradingDate;
        SessionOpen = NewYorkTime.OpenUtc(tradingDate);
        SessionClose = NewYorkTime.CloseUtc(tradingDate);
        Universe = SimUniverse.Build(options.UniverseSize, options.Seed);
        Truth = options.RecordTruth ? new SimulatedTruth() : null;
        _symbols = new SimulatedSymbol[Universe.Count];
        for (var i = 0; i < Universe.Count; i++)
        {
            _symbols[i] = new SimulatedSymbol(Universe[i], tradingDate, SimRandom.Derive(options.Seed, (ulong)tradingDate.DayNumber, SimRandom.Hash(Universe[i].Symbol)), Truth, options.Structure);
            _symbols[i].WriteContractTruth(); // the morning figures, until the close replaces them
        }

        Cursor = BaselineTime;
    }

    public DateOnly TradingDate { get; }

    public DateTimeOffset SessionOpen { get; }

    public DateTimeOffset SessionClose { get; }

    /// <summary>When the morning chains are stamped: 09:25 New York.</summary>
    public DateTimeOffset BaselineTime => SessionOpen.AddMinutes(-5);

    /// <summary>Events up to and including this instant have been emitted.</summary>
    public DateTimeOffset Cursor { get; private set; }

    public IReadOnlyList<SimUnderlying> Universe { get; }

    /// <summary>
    /// What the tape hides (<see cref="SimulatorOptions.RecordTruth"/>; null when off): every print generated so far,
    /// and every contract's baseline OI and dealer position; its closing OI and dealer position are filled in once the
    /// session's last minute is generated (until then they equal the morning's).
    /// </summary>
    public SimulatedTruth? Truth { get; }

    /// <summary>Every regime span generated so far.</summary>
    public IReadOnlyList<RegimeSpan> Regimes => _regimes;

    /// <summary>The settled-OI baseline chain of every underlying, stamped 09:25 New York.</summary>
    public IReadOnlyList<ChainEvent> MorningChains()
    {
        var chains = new ChainEvent[_symbols.Length];
        for (var i = 0; i < _symbols.Length; i++)
        {
            chains[i] = _symbols[i].Chain(BaselineTime, _options.Pricing, withOi: true);
        }

        return chains;
    }

    /// <summary>
    /// Appends to <paramref name="sink"/>, in time order, every event stamped after <see cref="Cursor"/> and no later
    /// than <paramref name="until"/> (capped at the close), and moves the cursor there. Returns how many were added.
    /// </summary>
    public int AdvanceTo(DateTimeOffset until, EventBatch sink)
    {
        if (until > SessionClose)
        {
            until = SessionClose;
        }

        var added = 0;
        while (until > Cursor)
        {
            if (_pendingIndex >= _pending.Order.Count)
            {
                if (!GenerateNextMinute())
                {
                    break;
                }

                continue;
            }

            if (_pendingReported[_pendingIndex] > until)
            {
                break;
            }

            var item = _pending.Order[_pendingIndex];
            switch (item.Kind)
            {
                case MarketEventKind.Trade: sink.Add(_pending.Trades[item.Position]); break;
                case MarketEventKind.Spot: sink.Add(_pending.Spots[item.Position]); break;
                case MarketEventKind.Cancel: sink.Add(_pending.Cancels[item.Position]); break;
                default: sink.Add(_pending.Chains[item.Position]); break;
            }

            _pendingIndex++;
            added++;
        }

        if (until > Cursor)
        {
            Cursor = until;
        }

        return added;
    }

    /// <summary>The whole session in one batch: morning chains first, then every event to the close.</summary>
    public EventBatch FullDay() => MorningAndUntil(SessionClose);

    /// <summary>The morning chains, then every event stamped no later than <paramref name="until"/> (capped at the close).</summary>
    public EventBatch MorningAndUntil(DateTimeOffset until)
    {
        var batch = new EventBatch();
        foreach (var chain in MorningChains())
        {
            batch.Add(chain);
        }

        AdvanceTo(until, batch);
        return batch;
    }

    private bool GenerateNextMinute()
    {
        const int SessionMinutes = 390;
        if (_nextMinute >= SessionMinutes)
        {
            return false;
        }

        _pending.Clear();
        _pendingReported.Clear();
        _pendingIndex = 0;
        var minute = (int)_nextMinute++;
        var start = SessionOpen.AddMinutes(minute);
        var prints = new List<SimPrint>();
        var spots = new List<SpotEvent>();
        var chains = new List<ChainEvent>();
        foreach (var s in _symbols)
        {
            s.Minute(minute, start, _options, prints, spots, _regimes);
            if (_options.ChainRefreshMinutes > 0 && minute > 0 && minute % _options.ChainRefreshMinutes == 0)
            {
                chains.Add(s.Chain(start, _options.Pricing, withOi: false));
            }
        }

        // Cancels due in this minute join its prints; those due later wait for their minute (none waits past the close).
        var end = start.AddMinutes(1);
        var due = new List<SimPrint>(prints.Count + _laterCancels.Count);
        var waiting = new List<SimPrint>();
        foreach (var p in _laterCancels.Concat(prints))
        {
            var print = p.IsCancel && p.Reported > SessionClose ? p with { Reported = SessionClose } : p;
            (print.IsCancel && print.Reported >= end && minute < SessionMinutes - 1 ? waiting : due).Add(print);
        }

        _laterCancels.Clear();
        _laterCancels.AddRange(waiting);
        // Stable, so prints at the same instant (a package's legs) keep the order generated, cancels or not.
        prints = [.. due.OrderBy(p => p.Reported)];
        foreach (var c in chains)
        {
            _pending.Add(c);
            _pendingReported.Add(c.Timestamp);
        }

        foreach (var spot in spots)
        {
            _pending.Add(spot);
            _pendingReported.Add(spot.Timestamp);
        }

        foreach (var p in prints)
        {
            if (p.IsCancel)
            {
                _pending.Add(new CancelEvent(p.Trade.Timestamp, p.Trade.Underlying, p.Trade.Contract, p.Trade.Id));
            }
            else
            {
                _pending.Add(p.Trade);
            }

            _pendingReported.Add(p.Reported);
        }

        if (minute == SessionMinutes - 1)
        {
            foreach (var s in _symbols)
            {
                s.CloseRegime(SessionClose, _regimes);
                s.WriteContractTruth();
            }
        }

        return true;
    }
}
