using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>A chain contract's settled baseline OI and its latest quote and IV.</summary>
public readonly record struct ChainQuote(long BaselineOi, double Iv, double Bid, double Ask, long QuoteTicks)
{
    /// <summary>The quote mid, NaN without a two-sided quote.</summary>
    public double Mid => Bid >= 0 && Ask > 0 && Ask >= Bid ? (Bid + Ask) / 2 : double.NaN;
}

/// <summary>
/// One underlying's option chain for one trading date (docs/api.md "Events"): the earliest chain event of the date sets the
/// settled open-interest baseline; every chain event refreshes quotes, IV and spot where it is newer than what is held.
/// Chain events with the same timestamp are parts of one snapshot (a producer splits a wide chain to keep each message
/// small, README "Event Hubs batch size"), so every part of the earliest snapshot sets its contracts' baseline.
/// Applying events in any order gives the same chain. Not thread-safe.
/// </summary>
public sealed class SymbolChain
{
    private readonly Dictionary<OptionKey, ChainQuote> _contracts = [];

    public SymbolChain(string underlying, DateOnly tradingDate)
    {
        Underlying = underlying;
        TradingDate = tradingDate;
    }

    public string Underlying { get; }

    public DateOnly TradingDate { get; }

    /// <summary>Time of the event that set the baseline; <see cref="DateTimeOffset.MaxValue"/> before any.</summary>
    public DateTimeOffset BaselineTimestamp { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>Latest chain spot, NaN when no chain event carried one.</summary>
    public double Spot { get; private set; } = double.NaN;

    public DateTimeOffset SpotTimestamp { get; private set; } = DateTimeOffset.MinValue;

    public IReadOnlyDictionary<OptionKey, ChainQuote> Contracts => _contracts;

    public static SymbolChain From(ChainEvent e)
    {
        var chain = new SymbolChain(e.Underlying, NewYorkTime.TradingDate(e.Timestamp));
        chain.Apply(e);
        return chain;
    }

    /// <summary>
    /// A chain rebuilt from state a store kept (what <see cref="BaselineTimestamp"/>, <see cref="Spot"/>,
    /// <see cref="SpotTimestamp"/> and <see cref="Contracts"/> held), so later events apply to it as to the original.
    /// </summary>
    public static SymbolChain Restore(
        string underlying,
        DateOnly tradingDate,
        DateTimeOffset baselineTimestamp,
        double spot,
        DateTimeOffset spotTimestamp,
        IEnumerable<KeyValuePair<OptionKey, ChainQuote>> contracts)
    {
        var chain = new SymbolChain(underlying, tradingDate)
        {
            BaselineTimestamp = baselineTimestamp,
            Spot = spot,
            SpotTimestamp = spotTimestamp,
        };
        foreach (var (key, quote) in contracts)
        {
            chain._contracts[key] = quote;
        }

        return chain;
    }

    public void Apply(ChainEvent e)
    {
        var ticks = e.Timestamp.UtcTicks;
        var isBaseline = e.Timestamp <= BaselineTimestamp;
        if (e.Timestamp < BaselineTimestamp)
        {
            // An earlier snapshot is the true baseline: contracts it does not list were not open then.
            foreach (var key in _contracts.Keys.ToArray())
            {
                _contracts[key] = _contracts[key] with { BaselineOi = 0 };
            }

            BaselineTimestamp = e.Timestamp;
        }

        foreach (var c in e.Contracts)
        {
            if (_contracts.TryGetValue(c.Contract, out var held))
            {
                var quote = ticks >= held.QuoteTicks ? new ChainQuote(held.BaselineOi, c.Iv, c.Bid, c.Ask, ticks) : held;
                _contracts[c.Contract] = isBaseline ? quote with { BaselineOi = c.OpenInterest } : quote;
            }
            else
            {
                _contracts[c.Contract] = new ChainQuote(isBaseline ? c.OpenInterest : 0, c.Iv, c.Bid, c.Ask, ticks);
            }
        }

        if (e.Spot > 0 && e.Timestamp >= SpotTimestamp)
        {
            Spot = e.Spot;
            SpotTimestamp = e.Timestamp;
        }
    }

    public bool TryGetQuote(OptionKey key, out ChainQuote quote) => _contracts.TryGetValue(key, out quote);

    /// <summary>
    /// An independent copy, so a store can hand readers a chain that later events will not change under them
    /// (copy on write: chain events are rare, reads are many).
    /// </summary>
    public SymbolChain Clone() => Restore(Underlying, TradingDate, BaselineTimestamp, Spot, SpotTimestamp, _contracts);
}
