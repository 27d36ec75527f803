using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>A spot price and when it was observed.</summary>
public readonly record struct SpotMark(double Price, DateTimeOffset Timestamp);

/// <summary>
/// What the fold needs to know beyond a print: each underlying's last known spot and its chain for the trading date,
/// so a print without <c>spot</c> or <c>iv</c> can be valued (docs/api.md "Events", docs/methodology.md §3). Not thread-safe.
/// </summary>
public sealed class MarketState
{
    private readonly Dictionary<string, SpotMark> _spots = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Symbol, DateOnly Date), SymbolChain> _chains = [];

    /// <summary>The newest spot of each underlying per trading date, for prints older than the newest spot.</summary>
    private readonly Dictionary<(string Symbol, DateOnly Date), SpotMark> _daySpots = [];

    public IReadOnlyDictionary<string, SpotMark> Spots => _spots;

    public IEnumerable<SymbolChain> Chains => _chains.Values;

    public void Apply(in SpotEvent e) => ObserveSpot(e.Underlying, e.Price, e.Timestamp);

    public void Apply(ChainEvent e)
    {
        var key = (e.Underlying, NewYorkTime.TradingDate(e.Timestamp));
        if (_chains.TryGetValue(key, out var chain))
        {
            chain.Apply(e);
        }
        else
        {
            _chains[key] = SymbolChain.From(e);
        }

        if (e.Spot > 0)
        {
            ObserveSpot(e.Underlying, e.Spot, e.Timestamp);
        }
    }

    /// <summary>
    /// Takes a stored chain (a new instance restoring what earlier instances folded) unless one for the same underlying
    /// and trading date is held already; events applied after it merge into it as into any chain.
    /// </summary>
    public void Restore(SymbolChain chain) => _chains.TryAdd((chain.Underlying, chain.TradingDate), chain);

    /// <summary>Keeps the newest spot per underlying.</summary>
    public void ObserveSpot(string symbol, double price, DateTimeOffset ts)
    {
        if (!(price > 0))
        {
            return;
        }

        if (!_spots.TryGetValue(symbol, out var held) || ts >= held.Timestamp)
        {
            _spots[symbol] = new SpotMark(price, ts);
        }

        var day = (symbol, NewYorkTime.TradingDate(ts));
        if (!_daySpots.TryGetValue(day, out var dayHeld) || ts >= dayHeld.Timestamp)
        {
            _daySpots[day] = new SpotMark(price, ts);
        }
    }

    /// <summary>
    /// Sets an underlying's spot to what the store holds after a cancel took back the print that set it
    /// (docs/methodology.md §13); null forgets it.
    /// </summary>
    public void ReplaceSpot(string symbol, SpotMark? spot)
    {
        if (spot is { } mark)
        {
            _spots[symbol] = mark;
        }
        else
        {
            _spots.Remove(symbol);
        }
    }

    public bool TryGetSpot(string symbol, out SpotMark spot) => _spots.TryGetValue(symbol, out spot);

    public SymbolChain? Chain(string symbol, DateOnly tradingDate) => _chains.GetValueOrDefault((symbol, tradingDate));

    /// <summary>
    /// The print's spot, else the newest known when it is stamped by the print, else the newest of the print's trading
    /// date; NaN when none exists.
    /// </summary>
    public double ResolveSpot(in TradeEvent trade)
    {
        if (trade.HasSpot)
        {
            return trade.Spot;
        }

        if (_spots.TryGetValue(trade.Underlying, out var newest) && newest.Timestamp <= trade.Timestamp)
        {
            return newest.Price;
        }

        // A print older than the newest spot (a late print, or a past day loaded while today's feed runs, docs/api.md
        // "History") takes the newest spot of its own trading date; a past day without one has no spot.
        return _daySpots.TryGetValue((trade.Underlying, NewYorkTime.TradingDate(trade.Timestamp)), out var day) ? day.Price
            : newest.Price > 0 && NewYorkTime.TradingDate(newest.Timestamp) == NewYorkTime.TradingDate(trade.Timestamp) ? newest.Price
            : double.NaN;
    }

    /// <summary>
    /// The print's IV, else the chain's latest IV for the contract, else implied from the print's price
    /// (docs/methodology.md §3). NaN when none of these exists.
    /// </summary>
    public double ResolveIv(in TradeEvent trade, double spot, PricingParameters pricing)
    {
        if (trade.HasIv)
        {
            return trade.Iv;
        }

        var chain = Chain(trade.Underlying, NewYorkTime.TradingDate(trade.Timestamp));
        if (chain is not null && chain.TryGetQuote(trade.Contract, out var quote) && quote.Iv > 0)
        {
            return quote.Iv;
        }

        if (!(spot > 0))
        {
            return double.NaN;
        }

        var years = TimeToExpiry.Years(trade.Timestamp, trade.Contract.Expiry);
        var solved = ImpliedVolatility.Solve(trade.Contract.Right, trade.Price, spot, trade.Contract.Strike, years, pricing);
        return solved.Success ? solved.Volatility : double.NaN;
    }
}
