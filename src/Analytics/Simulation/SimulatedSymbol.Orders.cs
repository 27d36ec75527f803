using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation.Truth;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// A print on the simulated tape and when it appears there (a late print appears after its own timestamp), or, with
/// <paramref name="IsCancel"/>, the cancel that names the print and when that appears.
/// </summary>
internal readonly record struct SimPrint(TradeEvent Trade, DateTimeOffset Reported, bool IsCancel = false);

/// <summary>Orders and their prints: singles, sweeps, blocks and multi-leg packages, with the tape's realism and the truth.</summary>
internal sealed partial class SimulatedSymbol
{
    private static readonly string[] Exchanges = ["CBOE", "PHLX", "ISE", "AMEX", "ARCA", "BOX", "MIAX", "NSDQ", "BZX", "C2", "EDGX", "GEMX", "MRX", "MPRL", "PEARL", "EMLD"];

    private void Order(DateTimeOffset ts, double spot, int minute, SimulatorOptions options, List<SimPrint> prints)
    {
        var (right, customerBuys) = Direction();
        var expiry = PickExpiry(minute);
        var years = TimeToExpiry.Years(ts, expiry);
        var strike = PickStrike(expiry, right, spot);
        if (!OptionKey.TryCreate(expiry, strike, right, out var key))
        {
            return;
        }

        var realism = options.Realism;
        if (_realism.Chance(realism.MultiLegOrders))
        {
            Package(ts, spot, key, customerBuys, options, prints);
            return;
        }

        var iv = Smile(strike, years) * (1 + (0.02 * _rng.NextGaussian()));
        var theo = BlackScholes.Price(right, spot, strike, years, iv, options.Pricing);
        if (theo < 0.03)
        {
            return; // nobody prints sub-nickel lottery tickets in this market
        }

        // The aggressor is the customer, or a market maker lifting or hitting the customer's resting order.
        var initiator = _realism.Chance(realism.MarketMakerInitiated) ? Initiator.MarketMaker : Initiator.Customer;
        var buy = customerBuys == (initiator == Initiator.Customer);
        var order = new OrderTruth(buy, initiator, 0);
        var (bid, ask) = Quote(theo);
        var kind = _rng.NextDouble();
        var tick = Tick(theo);
        if (kind < 0.08)
        {
            // Sweep: one aggressive order split across exchanges within a few milliseconds, at the touch.
            var legs = 2 + _rng.Next(5);
            var total = (int)Math.Min(3_000, _rng.NextPareto(15, 1.4));
            for (var l = 0; l < legs; l++)
            {
                var size = Math.Max(1, total / legs);
                Emit(ts.AddMilliseconds(l), key, buy ? ask : bid, size, bid, ask, spot, iv, TradeConditions.Sweep, NextExchange(), order, options, prints);
            }
        }
        else if (kind < 0.095)
        {
            // Block: a large negotiated print, usually inside the spread.
            var size = 250 + (int)Math.Min(7_500, _rng.NextPareto(100, 1.2));
            var price = ask - bid > tick ? (buy ? ask - tick : bid + tick) : (buy ? ask : bid);
            Emit(ts, key, price, size, bid, ask, spot, iv, TradeConditions.Block, NextExchange(), order, options, prints);
        }
        else
        {
            var size = (int)Math.Min(2_000, _rng.NextPareto(1, 1.25));
            var p = _rng.NextDouble();
            var price = p < 0.08 ? RoundTo((bid + ask) / 2, 0.005)
                : p < 0.72 || ask - bid <= tick ? (buy ? ask : bid)
                : buy ? ask - tick : bid + tick;
            if (ask - bid >= 3 * tick - 1e-9 && _realism.Chance(size < 10 ? realism.PriceImprovementSmall : realism.PriceImprovementLarge))
            {
                price = buy ? bid + tick : ask - tick; // price improvement: filled on the far side of the mid
            }

            Emit(ts, key, price, size, bid, ask, spot, iv, TradeConditions.None, NextExchange(), order, options, prints);
        }
    }

    /// <summary>
    /// A customer's multi-leg order: a vertical, straddle, risk reversal or butterfly, its legs printed at the same
    /// millisecond on one exchange, each at a price inside its own quote that says little about the package's side.
    /// </summary>
    private void Package(DateTimeOffset ts, double spot, OptionKey first, bool customerBuys, SimulatorOptions options, List<SimPrint> prints)
    {
        var step = StepFor(first.Expiry);
        var atm = Math.Round(_u.Spot / step) * step;
        var outward = first.Right == OptionRight.Call ? step : -step;
        var other = first.Right == OptionRight.Call ? OptionRight.Put : OptionRight.Call;
        var shape = _realism.Next(4);
        Span<(double Strike, OptionRight Right, bool Buy, int Ratio)> legs = stackalloc (double, OptionRight, bool, int)[3];
        var count = shape switch
        {
            0 => Legs(legs, (first.Strike, first.Right, customerBuys, 1), (first.Strike + (2 * outward), first.Right, !customerBuys, 1)), // vertical
            1 => Legs(legs, (first.Strike, first.Right, customerBuys, 1), (first.Strike, other, customerBuys, 1)), // straddle
            2 => Legs(legs, (first.Strike, first.Right, customerBuys, 1), (first.Strike - (2 * outward), other, !customerBuys, 1)), // risk reversal
            _ => Legs(legs, (first.Strike - step, first.Right, customerBuys, 1), (first.Strike, first.Right, !customerBuys, 2), (first.Strike + step, first.Right, customerBuys, 1)), // butterfly
        };
        var size = (int)Math.Min(1_000, _realism.NextPareto(5, 1.3));
        var conditions = _realism.Chance(options.Realism.UnmarkedPackages) ? TradeConditions.None : TradeConditions.MultiLeg;
        var exchange = Exchanges[_realism.Next(Exchanges.Length)];
        var order = new OrderTruth(false, Initiator.Customer, ++_packages);
        var years = TimeToExpiry.Years(ts, first.Expiry);
        foreach (var (legStrike, legRight, legBuy, ratio) in legs[..count])
        {
            var strike = Clamp(atm, step, legStrike);
            if (!OptionKey.TryCreate(first.Expiry, strike, legRight, out var key))
            {
                continue;
            }

            var iv = Smile(strike, years);
            var theo = BlackScholes.Price(legRight, spot, strike, years, iv, options.Pricing);
            var (bid, ask) = Quote(Math.Max(theo, 0.01));
            var tick = Tick(theo);
            var lean = Math.Clamp(0.5 + (legBuy ? 0.1 : -0.1) + (0.25 * _realism.NextGaussian()), 0, 1);
            var price = Math.Max(tick, RoundTo(bid + (lean * (ask - bid)), tick));
            Emit(ts, key, price, size * ratio, bid, ask, spot, iv, conditions, exchange, order with { BuyerInitiated = legBuy }, options, prints);
        }
    }

    private static int Legs(Span<(double, OptionRight, bool, int)> legs, params ReadOnlySpan<(double, OptionRight, bool, int)> values)
    {
        values.CopyTo(legs);
        return values.Length;
    }

    private string NextExchange() => Exchanges[_rng.Next(Exchanges.Length)];

    private void Emit(DateTimeOffset ts, OptionKey key, double price, int size, double bid, double ask, double spot, double iv,
        TradeConditions conditions, string exchange, OrderTruth order, SimulatorOptions options, List<SimPrint> prints)
    {
        if (!(price > 0))
        {
            return;
        }

        // What the feed gets wrong: the quote attached to the print, and when the print is reported.
        var realism = options.Realism;
        var tick = Tick(price);
        if (_realism.Chance(realism.StaleQuote))
        {
            var shift = (1 + _realism.Next(3)) * tick * (_realism.Chance(0.5) ? 1 : -1);
            bid = Math.Max(0, Math.Round(bid + shift, 2));
            ask = Math.Max(bid, Math.Round(ask + shift, 2));
        }
        else if (_realism.Chance(realism.LockedQuote))
        {
            bid = ask = Math.Round(price, 2);
        }

        var reported = ts;
        if (_realism.Chance(realism.Late))
        {
            conditions |= TradeConditions.Late;
            var stamped = ts.AddSeconds(-(5 + _realism.Next(296)));
            ts = stamped < _open ? _open : stamped;
        }

        // The feed's sequence number, unique per underlying and trading date (docs/api.md "Events"); short enough to
        // be held without a string (TradeId).
        Span<byte> text = stackalloc byte[TradeId.InlineBytes];
        "sim-"u8.CopyTo(text);
        _sequence++.TryFormat(text[4..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        TradeId.TryInline(text[..(4 + digits)], out var id);
        var trade = new TradeEvent(ts, _u.Symbol, key, Math.Round(price, 4), size, bid, ask, Math.Round(spot, 2),
            options.IncludeIv ? Math.Round(iv, 4) : double.NaN, SideHint.None, exchange, conditions, id);
        prints.Add(new SimPrint(trade, reported));
        var cancelled = _cancels.Chance(realism.Cancelled);
        if (cancelled)
        {
            prints.Add(new SimPrint(trade, reported.AddSeconds(1 + _cancels.Next(180)), IsCancel: true));
        }

        if (_truth is not null)
        {
            // A busted print never happened: the book does not see it.
            var customerBought = order.BuyerInitiated == (order.Initiator == Initiator.Customer);
            var (customerOpened, dealerOpened, crossed) = cancelled ? (0, 0, false) : _book!.Book(key, size, customerBought, spot);
            _truth.Add(new PrintTruth(_u.Symbol, id, key, size, order.BuyerInitiated, order.Initiator, customerOpened, dealerOpened, order.Package, cancelled, crossed));
        }
    }

    /// <summary>What the tape does not say about an order: its true aggressor side, who initiated it, its package.</summary>
    private readonly record struct OrderTruth(bool BuyerInitiated, Initiator Initiator, int Package);
}
