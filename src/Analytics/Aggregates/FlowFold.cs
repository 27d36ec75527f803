using System.Runtime.InteropServices;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Aggregates;

/// <summary>Counters of what a fold could not value. Prints are never dropped: they count in volume either way.</summary>
public struct FoldStats
{
    public long Prints { get; set; }

    /// <summary>0DTE prints folded without delta/gamma because no spot was known.</summary>
    public long ZeroDteWithoutSpot { get; set; }

    /// <summary>0DTE prints folded without delta/gamma because no IV was given, held or solvable.</summary>
    public long ZeroDteWithoutIv { get; set; }
}

/// <summary>
/// Folds prints into the three aggregate families of the product: per symbol per minute (<see cref="FlowTally"/>),
/// per contract per trading date (<see cref="ContractDayFlow"/>), and per symbol per minute per strike of the 0DTE
/// expiry (<see cref="StrikeMinuteFlow"/>). Every aggregate is a sum or a latest-of, so
/// <see cref="Merge"/> of two folds equals one fold of both tapes, whatever the split and order.
/// Beside them it keeps what a store needs to apply cancels (docs/methodology.md §13): each print as counted
/// (<see cref="Ledger"/>), the cancels in input order, and the newest spot each underlying's spot events and chains gave.
/// A fold does not apply cancels itself: the store does, after the fold's prints, because the print a cancel names may
/// have been folded by an earlier batch or another instance.
/// Not thread-safe: one fold per batch or per partition, merged afterwards.
/// </summary>
public sealed class FlowFold(PricingParameters pricing)
{
    private FoldStats _stats;

    public Dictionary<SymbolMinute, FlowTally> Minutes { get; } = [];

    public Dictionary<ContractDay, ContractDayFlow> Contracts { get; } = [];

    public Dictionary<StrikeMinute, StrikeMinuteFlow> ZeroDteStrikes { get; } = [];

    /// <summary>Every print folded, as counted, with its symbol and minute, in input order (one flat list: the fold's hot path only appends).</summary>
    public List<(SymbolMinute Key, LedgerPrint Print)> Ledger { get; } = [];

    /// <summary>The cancels of the folded batches, in input order.</summary>
    public List<CancelEvent> Cancels { get; } = [];

    /// <summary>Per underlying, the newest spot its spot events and chain snapshots gave (prints' spots are in <see cref="Ledger"/>).</summary>
    public Dictionary<string, SpotMark> QuotedSpots { get; } = new(StringComparer.Ordinal);

    /// <summary>Every spot the batch's spot events and chain snapshots gave, in input order: what the store keeps so a read as of a past instant finds the spot then (docs/api.md "History").</summary>
    public List<(string Symbol, SpotMark Mark)> QuoteHistory { get; } = [];

    public PricingParameters Pricing { get; } = pricing;

    public FoldStats Stats => _stats;

    /// <summary>
    /// Folds a parsed batch in input order: spot and chain events update <paramref name="market"/>, prints are valued
    /// with it (docs/api.md "Events": a print's spot, else the last known; its IV, else the chain's, else implied).
    /// </summary>
    public void AddBatch(EventBatch batch, MarketState market)
    {
        Ledger.EnsureCapacity(Ledger.Count + batch.Trades.Count);
        foreach (var item in batch.Order)
        {
            switch (item.Kind)
            {
                case MarketEventKind.Trade:
                    var trade = batch.Trades[item.Position];
                    var spot = market.ResolveSpot(trade);
                    if (trade.HasSpot)
                    {
                        market.ObserveSpot(trade.Underlying, trade.Spot, trade.Timestamp);
                    }

                    var tradingDate = NewYorkTime.TradingDate(trade.Timestamp);
                    var iv = trade.Contract.Expiry == tradingDate ? market.ResolveIv(trade, spot, Pricing) : trade.Iv;
                    Add(trade, spot, iv, tradingDate);
                    break;
                case MarketEventKind.Spot:
                    var spotEvent = batch.Spots[item.Position];
                    market.Apply(spotEvent);
                    Quote(spotEvent.Underlying, new SpotMark(spotEvent.Price, spotEvent.Timestamp));
                    break;
                case MarketEventKind.Chain:
                    var chain = batch.Chains[item.Position];
                    market.Apply(chain);
                    Quote(chain.Underlying, new SpotMark(chain.Spot, chain.Timestamp));
                    break;
                case MarketEventKind.Cancel:
                    Cancels.Add(batch.Cancels[item.Position]);
                    break;
            }
        }
    }

    /// <summary>Folds one print with its spot and IV already resolved (NaN where unknown).</summary>
    public void Add(in TradeEvent trade, double spot, double iv) => Add(trade, spot, iv, NewYorkTime.TradingDate(trade.Timestamp));

    private void Add(in TradeEvent trade, double spot, double iv, DateOnly tradingDate)
    {
        var c = AggressorClassifier.Classify(trade);
        var premiumCents = trade.PremiumCents;
        var ticks = trade.Timestamp.UtcTicks;
        var print = new LastPrint(ticks, spot, iv, trade.Price);
        var minute = MinuteBucket.Of(trade.Timestamp);
        _stats.Prints++;

        var symbolMinute = new SymbolMinute(trade.Underlying, minute);
        var buyMilli = TradeSignModel.BuyMilli(trade);
        CollectionsMarshal.GetValueRefOrAddDefault(Minutes, symbolMinute, out _).Add(c.Side, trade.Size, premiumCents, print);
        CollectionsMarshal.GetValueRefOrAddDefault(Contracts, new ContractDay(trade.Underlying, tradingDate, trade.Contract), out _)
            .Add(c, buyMilli, trade.Size, premiumCents, print);

        var zeroDte = trade.Contract.Expiry == tradingDate;
        long deltaCents = 0, gammaCents = 0;
        if (zeroDte)
        {
            if (!(spot > 0))
            {
                _stats.ZeroDteWithoutSpot++;
            }
            else if (!(iv > 0))
            {
                _stats.ZeroDteWithoutIv++;
            }
            else if (c.Sign != 0)
            {
                (deltaCents, gammaCents) = SignedDollarCents(trade, c.Sign, spot, iv, Pricing);
            }

            CollectionsMarshal.GetValueRefOrAddDefault(ZeroDteStrikes, new StrikeMinute(trade.Underlying, minute, trade.Contract.StrikeMilli), out _)
                .Add(deltaCents, gammaCents, trade.Size, print);
        }

        Ledger.Add((symbolMinute, new LedgerPrint(trade.Id, trade.Contract, tradingDate, c.Side, (short)buyMilli, trade.Size, premiumCents, deltaCents, gammaCents, zeroDte, trade.HasSpot, print)));
    }

    /// <summary>
    /// docs/methodology.md §4: signed delta-dollars = s × Δ × size × 100 × S; signed gamma-dollars = s × [Δ(1.005 S) − Δ(0.995 S)]
    /// × size × 100 × S (<see cref="GammaMove"/>); at the print's time, spot and IV. Returned in cents, rounded half away from zero.
    /// </summary>
    public static (long DeltaCents, long GammaCents) SignedDollarCents(in TradeEvent trade, int sign, double spot, double iv, PricingParameters pricing)
    {
        var years = TimeToExpiry.Years(trade.Timestamp, trade.Contract.Expiry);
        var (delta, _) = BlackScholes.DeltaGamma(trade.Contract.Right, spot, trade.Contract.Strike, years, iv, pricing);
        var contractsTimes100 = sign * trade.Size * 100.0;
        var deltaDollars = contractsTimes100 * delta * spot;
        var gammaDollars = contractsTimes100 * GammaMove.DeltaChange(trade.Contract.Right, spot, trade.Contract.Strike, years, iv, pricing) * spot;
        return (ToCents(deltaDollars), ToCents(gammaDollars));
    }

    /// <summary>The <see cref="Ledger"/> grouped by symbol and minute, each group in input order.</summary>
    public Dictionary<SymbolMinute, List<LedgerPrint>> LedgerByMinute()
    {
        var byMinute = new Dictionary<SymbolMinute, List<LedgerPrint>>();
        foreach (var (key, print) in Ledger)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(byMinute, key, out _);
            (list ??= []).Add(print);
        }

        return byMinute;
    }

    public void Merge(FlowFold other)
    {
        foreach (var (key, value) in other.Minutes)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(Minutes, key, out _).Merge(value);
        }

        foreach (var (key, value) in other.Contracts)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(Contracts, key, out _).Merge(value);
        }

        foreach (var (key, value) in other.ZeroDteStrikes)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(ZeroDteStrikes, key, out _).Merge(value);
        }

        Ledger.AddRange(other.Ledger);

        Cancels.AddRange(other.Cancels);
        foreach (var (symbol, mark) in other.QuoteHistory)
        {
            Quote(symbol, mark);
        }

        _stats.Prints += other._stats.Prints;
        _stats.ZeroDteWithoutSpot += other._stats.ZeroDteWithoutSpot;
        _stats.ZeroDteWithoutIv += other._stats.ZeroDteWithoutIv;
    }

    public void Clear()
    {
        Minutes.Clear();
        Contracts.Clear();
        ZeroDteStrikes.Clear();
        Ledger.Clear();
        Cancels.Clear();
        QuotedSpots.Clear();
        QuoteHistory.Clear();
        _stats = default;
    }

    private void Quote(string symbol, SpotMark mark)
    {
        if (!(mark.Price > 0))
        {
            return;
        }

        QuoteHistory.Add((symbol, mark));
        if (!QuotedSpots.TryGetValue(symbol, out var held) || mark.Timestamp >= held.Timestamp)
        {
            QuotedSpots[symbol] = mark;
        }
    }

    private static long ToCents(double dollars)
    {
        var cents = Math.Round(dollars * 100, MidpointRounding.AwayFromZero);
        return double.IsFinite(cents) && Math.Abs(cents) < 9e18 ? (long)cents : 0;
    }
}
