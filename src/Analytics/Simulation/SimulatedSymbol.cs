using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>One underlying's path, listing, open interest and regime through the day.</summary>
internal sealed class SimulatedSymbol
{
    /// <summary>Strikes listed each side of the money per expiry.</summary>
    private const int StrikesEachSide = 20;
    private static readonly string[] Exchanges = ["CBOE", "PHLX", "ISE", "AMEX", "ARCA", "BOX", "MIAX", "NSDQ", "BZX", "C2", "EDGX", "GEMX", "MRX", "MPRL", "PEARL", "EMLD"];

    private readonly SimUnderlying _u;
    private readonly DateOnly _date;
    private readonly SimRandom _rng;
    private readonly DateOnly[] _expiries;
    private readonly double _skew;
    private readonly double _callOiWeight;
    private readonly double _putOiWeight;
    private double _spot;
    private FlowRegime _regime;
    private int _regimeEnds;
    private DateTimeOffset _regimeStart;
    private double _pin;
    private int _sequence;

    public SimulatedSymbol(SimUnderlying u, DateOnly date, ulong seed)
    {
        _u = u;
        _date = date;
        _rng = new SimRandom(seed);
        _spot = u.Spot * Math.Exp(0.01 * _rng.NextGaussian());
        _expiries = ListExpiries(u.Expiries, date);
        _skew = 0.6 + (0.5 * _rng.NextDouble());
        var putCall = 0.6 + (1.2 * _rng.NextDouble()); // put/call OI ratio of the morning chain
        _callOiWeight = 1 / Math.Sqrt(putCall);
        _putOiWeight = Math.Sqrt(putCall);
        _regimeEnds = -1;
    }

    private bool HasZeroDte => _expiries.Length > 0 && _expiries[0] == _date;

    public ChainEvent Chain(DateTimeOffset ts, PricingParameters pricing, bool withOi)
    {
        var contracts = new List<ChainContract>();
        var oiRng = new SimRandom(SimRandom.Derive(SimRandom.Hash(_u.Symbol), (ulong)_date.DayNumber, 0x01));
        foreach (var expiry in _expiries)
        {
            var step = StepFor(expiry);
            var atm = Math.Round(_u.Spot / step) * step; // listing is fixed at the opening reference price
            var years = TimeToExpiry.Years(ts, expiry);
            var dte = expiry.DayNumber - _date.DayNumber;
            var expiryWeight = dte == 0 ? 0.35 : IsMonthly(expiry) ? 1.6 : 1.0 / (1 + (dte / 30.0));
            for (var k = -StrikesEachSide; k <= StrikesEachSide; k++)
            {
                var strike = Math.Round(atm + (k * step), 3);
                if (strike <= 0 || !OptionKey.TryCreate(expiry, strike, OptionRight.Call, out var call))
                {
                    continue;
                }

                var put = call with { Right = OptionRight.Put };
                var distance = k / 6.0;
                var roundBonus = strike % (step * 5) == 0 ? 1.8 : 1.0;
                var baseOi = _u.PrintsPerMinute * 220 * expiryWeight * roundBonus * Math.Exp(-0.5 * distance * distance);
                foreach (var key in (ReadOnlySpan<OptionKey>)[call, put])
                {
                    var weight = key.Right == OptionRight.Call ? _callOiWeight : _putOiWeight;
                    var oi = withOi ? (long)Math.Round(baseOi * weight * (0.6 + (0.8 * oiRng.NextDouble()))) : 0;
                    var iv = Smile(strike, years);
                    var (bid, ask) = Quote(BlackScholes.Price(key.Right, _spot, strike, years, iv, pricing));
                    contracts.Add(new ChainContract(key, oi, Math.Round(iv, 4), bid, ask));
                }
            }
        }

        return new ChainEvent(ts, _u.Symbol, Math.Round(_spot, 2), contracts);
    }

    public void Minute(int minute, DateTimeOffset start, SimulatorOptions options, List<TradeEvent> trades, List<SpotEvent> spots, List<RegimeSpan> regimes)
    {
        if (minute >= _regimeEnds)
        {
            NextRegime(minute, start, regimes);
        }

        var spotStart = _spot;
        spots.Add(new SpotEvent(start, _u.Symbol, Math.Round(spotStart, 2)));
        StepSpot();

        var uShape = 1 + (1.3 * Math.Exp(-minute / 25.0)) + (0.9 * Math.Exp(-(389 - minute) / 30.0));
        var regimeBoost = _regime is FlowRegime.CallWave or FlowRegime.PutWave ? 1.8 : _regime == FlowRegime.Pinning ? 1.3 : 1.0;
        var orders = _rng.NextPoisson(_u.PrintsPerMinute * options.Intensity * uShape * regimeBoost / 2.2);
        for (var i = 0; i < orders; i++)
        {
            var offsetMs = _rng.Next(60_000);
            var ts = start.AddMilliseconds(offsetMs);
            var spot = spotStart + ((_spot - spotStart) * offsetMs / 60_000.0);
            Order(ts, spot, minute, options, trades);
        }
    }

    public void CloseRegime(DateTimeOffset close, List<RegimeSpan> regimes) =>
        regimes.Add(new RegimeSpan(_u.Symbol, _regime, _regimeStart, close));

    private void NextRegime(int minute, DateTimeOffset start, List<RegimeSpan> regimes)
    {
        if (_regimeEnds >= 0)
        {
            regimes.Add(new RegimeSpan(_u.Symbol, _regime, _regimeStart, start));
        }

        var r = _rng.NextDouble();
        _regime = r < 0.32 ? FlowRegime.Neutral
            : r < 0.52 ? FlowRegime.Bullish
            : r < 0.72 ? FlowRegime.Bearish
            : r < 0.84 ? FlowRegime.Pinning
            : r < 0.92 ? FlowRegime.CallWave
            : FlowRegime.PutWave;
        if (_regime == FlowRegime.Pinning && (!HasZeroDte || minute < 180))
        {
            _regime = FlowRegime.Neutral; // pinning is an afternoon 0DTE phenomenon
        }

        _pin = Math.Round(_spot / _u.StrikeStep) * _u.StrikeStep;
        _regimeStart = start;
        _regimeEnds = minute + 25 + _rng.Next(86);
    }

    private void StepSpot()
    {
        var sigma = _u.Volatility / Math.Sqrt(252.0 * 390);
        var drift = _regime switch
        {
            FlowRegime.Bullish => 0.25,
            FlowRegime.Bearish => -0.25,
            FlowRegime.CallWave => 0.45,
            FlowRegime.PutWave => -0.45,
            _ => 0.0,
        };
        var shock = _rng.NextGaussian();
        if (_regime == FlowRegime.Pinning)
        {
            _spot += 0.12 * (_pin - _spot);
            _spot *= Math.Exp(0.5 * sigma * shock);
        }
        else
        {
            _spot *= Math.Exp(sigma * (drift + shock));
        }
    }

    private void Order(DateTimeOffset ts, double spot, int minute, SimulatorOptions options, List<TradeEvent> trades)
    {
        var (right, buy) = Direction();
        var expiry = PickExpiry(minute);
        var years = TimeToExpiry.Years(ts, expiry);
        var strike = PickStrike(expiry, right, spot);
        if (!OptionKey.TryCreate(expiry, strike, right, out var key))
        {
            return;
        }

        var iv = Smile(strike, years) * (1 + (0.02 * _rng.NextGaussian()));
        var theo = BlackScholes.Price(right, spot, strike, years, iv, options.Pricing);
        if (theo < 0.03)
        {
            return; // nobody prints sub-nickel lottery tickets in this market
        }

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
                Emit(ts.AddMilliseconds(l), key, buy ? ask : bid, size, bid, ask, spot, iv, TradeConditions.Sweep, options, trades);
            }
        }
        else if (kind < 0.095)
        {
            // Block: a large negotiated print, usually inside the spread.
            var size = 250 + (int)Math.Min(7_500, _rng.NextPareto(100, 1.2));
            var price = ask - bid > tick ? (buy ? ask - tick : bid + tick) : (buy ? ask : bid);
            Emit(ts, key, price, size, bid, ask, spot, iv, TradeConditions.Block, options, trades);
        }
        else
        {
            var size = (int)Math.Min(2_000, _rng.NextPareto(1, 1.25));
            var p = _rng.NextDouble();
            var price = p < 0.08 ? RoundTo((bid + ask) / 2, 0.005)
                : p < 0.72 || ask - bid <= tick ? (buy ? ask : bid)
                : buy ? ask - tick : bid + tick;
            Emit(ts, key, price, size, bid, ask, spot, iv, TradeConditions.None, options, trades);
        }
    }

    private void Emit(DateTimeOffset ts, OptionKey key, double price, int size, double bid, double ask, double spot, double iv, TradeConditions conditions, SimulatorOptions options, List<TradeEvent> trades)
    {
        if (!(price > 0))
        {
            return;
        }

        var exchange = Exchanges[_rng.Next(Exchanges.Length)];
        // The feed's sequence number, unique per underlying and trading date (docs/api.md "Events"); short enough to
        // be held without a string (TradeId).
        Span<byte> text = stackalloc byte[TradeId.InlineBytes];
        "sim-"u8.CopyTo(text);
        _sequence++.TryFormat(text[4..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        TradeId.TryInline(text[..(4 + digits)], out var id);
        trades.Add(new TradeEvent(ts, _u.Symbol, key, Math.Round(price, 4), size, bid, ask, Math.Round(spot, 2),
            options.IncludeIv ? Math.Round(iv, 4) : double.NaN, SideHint.None, exchange, conditions, id));
    }

    /// <summary>Which option and which side the next order takes, by regime.</summary>
    private (OptionRight Right, bool Buy) Direction()
    {
        // Probabilities of call buy, call sell, put buy; put sell takes the rest.
        var (cb, cs, pb) = _regime switch
        {
            FlowRegime.Bullish => (0.45, 0.12, 0.13),
            FlowRegime.Bearish => (0.12, 0.30, 0.45),
            FlowRegime.Pinning => (0.20, 0.30, 0.20),
            FlowRegime.CallWave => (0.64, 0.13, 0.08),
            FlowRegime.PutWave => (0.08, 0.13, 0.64),
            _ => (0.27, 0.23, 0.27),
        };
        var r = _rng.NextDouble();
        return r < cb ? (OptionRight.Call, true)
            : r < cb + cs ? (OptionRight.Call, false)
            : r < cb + cs + pb ? (OptionRight.Put, true)
            : (OptionRight.Put, false);
    }

    private DateOnly PickExpiry(int minute)
    {
        var zeroDteShare = !HasZeroDte ? 0
            : _u.Expiries == ExpiryStyle.Daily ? 0.45
            : 0.3;
        if (_regime is FlowRegime.Pinning or FlowRegime.PutWave or FlowRegime.CallWave)
        {
            zeroDteShare = Math.Min(0.8, zeroDteShare * 1.6);
        }

        if (minute > 380)
        {
            zeroDteShare *= 0.5; // 0DTE liquidity thins in the last minutes
        }

        if (_rng.Chance(zeroDteShare))
        {
            return _expiries[0];
        }

        var first = HasZeroDte ? 1 : 0;
        var i = first + (int)Math.Min(_expiries.Length - first - 1, Math.Floor(_rng.NextPareto(1, 1.3)) - 1);
        return _expiries[i];
    }

    private double PickStrike(DateOnly expiry, OptionRight right, double spot)
    {
        var step = StepFor(expiry);
        var atm = Math.Round(_u.Spot / step) * step;
        if (_regime == FlowRegime.Pinning && expiry == _date && _rng.Chance(0.6))
        {
            return Clamp(atm, step, Math.Round(_pin / step) * step + (step * (_rng.Next(3) - 1)));
        }

        var distance = Math.Abs(_rng.NextGaussian()) * (expiry == _date ? 3 : 6);
        var otm = _rng.Chance(0.75) ? 1 : -1;
        var sign = right == OptionRight.Call ? otm : -otm;
        var strike = (Math.Round(spot / step) * step) + (sign * Math.Round(distance) * step);
        return Clamp(atm, step, strike);
    }

    private static double Clamp(double atm, double step, double strike) =>
        Math.Round(Math.Clamp(strike, Math.Max(step, atm - (StrikesEachSide * step)), atm + (StrikesEachSide * step)), 3);

    private double StepFor(DateOnly expiry)
    {
        var dte = expiry.DayNumber - _date.DayNumber;
        return _u.StrikeStep * (dte <= 10 ? 1 : dte <= 40 ? 2 : 5);
    }

    private double Smile(double strike, double years)
    {
        var m = Math.Log(strike / _spot) / Math.Max(0.05, _u.Volatility * Math.Sqrt(Math.Max(years, 1.0 / 365)));
        var term = 1 + (0.12 * Math.Exp(-years * 365 / 7));
        var iv = _u.Volatility * term * (1 - (0.08 * _skew * m) + (0.025 * m * m));
        return Math.Clamp(iv, 0.05, 3);
    }

    private static double Tick(double price) => price < 3 ? 0.01 : 0.05;

    private static (double Bid, double Ask) Quote(double theo)
    {
        var tick = Tick(theo);
        var half = Math.Max(tick, RoundTo(theo * 0.025, tick));
        var bid = Math.Max(0, RoundTo(theo - half, tick));
        var ask = Math.Max(bid + tick, RoundTo(theo + half, tick));
        return (Math.Round(bid, 2), Math.Round(ask, 2));
    }

    private static double RoundTo(double value, double tick) => Math.Round(value / tick) * tick;

    private static bool IsMonthly(DateOnly d) => d.DayOfWeek == DayOfWeek.Friday && d.Day is >= 15 and <= 21;

    private static DateOnly[] ListExpiries(ExpiryStyle style, DateOnly date)
    {
        var set = new SortedSet<DateOnly>();
        var d = date;
        var weekdays = 0;
        while (weekdays < (style == ExpiryStyle.Daily ? 5 : 0))
        {
            if (NewYorkTime.IsWeekday(d))
            {
                set.Add(d);
                weekdays++;
            }

            d = d.AddDays(1);
        }

        var friday = date.AddDays(((int)DayOfWeek.Friday - (int)date.DayOfWeek + 7) % 7);
        for (var w = 0; w < 5; w++)
        {
            set.Add(friday.AddDays(7 * w));
        }

        var month = new DateOnly(date.Year, date.Month, 1);
        for (var m = 0; set.Count(IsMonthly) < 3 && m < 6; m++)
        {
            var first = month.AddMonths(m);
            var third = first.AddDays((((int)DayOfWeek.Friday - (int)first.DayOfWeek + 7) % 7) + 14);
            if (third >= date)
            {
                set.Add(third);
            }
        }

        return [.. set];
    }
}
