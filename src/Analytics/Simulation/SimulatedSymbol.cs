using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Simulation.Truth;
using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// One underlying's path, listing, open interest and regime through the day. The listing, quotes and smile are in
/// SimulatedSymbol.Listing.cs, orders and prints in SimulatedSymbol.Orders.cs.
/// </summary>
internal sealed partial class SimulatedSymbol
{
    private readonly SimUnderlying _u;
    private readonly DateOnly _date;
    private readonly DateTimeOffset _open;
    private readonly SimRandom _rng;
    private readonly SimRandom _realism;
    private readonly SimRandom _cancels; // its own stream: the rate of busted prints changes nothing else on the tape
    private readonly DateOnly[] _expiries;
    private readonly double _skew;
    private readonly double _callOiWeight;
    private readonly double _putOiWeight;
    private readonly List<(OptionKey Contract, long BaselineOi)> _listing;
    private readonly SimulatedTruth? _truth;
    private readonly PositionBook? _book;
    private double _spot;
    private FlowRegime _regime;
    private int _regimeEnds;
    private DateTimeOffset _regimeStart;
    private double _pin;
    private int _sequence;
    private int _packages;

    /// <summary>
    /// <paramref name="seed"/> drives the path, the regimes and the orders; the tape's realism and the truth draw from
    /// generators of their own derived from it, so switching either off leaves the rest of the tape as it was.
    /// </summary>
    public SimulatedSymbol(SimUnderlying u, DateOnly date, ulong seed, SimulatedTruth? truth, MarketStructure? structure = null)
    {
        _u = u;
        _date = date;
        _open = NewYorkTime.OpenUtc(date);
        _rng = new SimRandom(seed);
        _realism = new SimRandom(SimRandom.Derive(seed, 0x5245_414C));
        _cancels = new SimRandom(SimRandom.Derive(seed, 0x4341_4E43));
        _spot = u.Spot * Math.Exp(0.01 * _rng.NextGaussian());
        _expiries = ListExpiries(u.Expiries, date);
        _skew = 0.6 + (0.5 * _rng.NextDouble());
        var putCall = 0.6 + (1.2 * _rng.NextDouble()); // put/call OI ratio of the morning chain
        _callOiWeight = 1 / Math.Sqrt(putCall);
        _putOiWeight = Math.Sqrt(putCall);
        _regimeEnds = -1;
        _listing = List();
        if (truth is not null)
        {
            // Dealers' net share of the morning OI: long calls, short puts (the convention of live_gex), by how much
            // differs by name.
            structure ??= MarketStructure.Default;
            var truthRng = new SimRandom(SimRandom.Derive(seed, 0x5452_5554));
            var callShare = Math.Clamp(structure.DealerShareMean + (structure.DealerShareSd * truthRng.NextGaussian()), structure.DealerShareMin, structure.DealerShareMax);
            var putShare = Math.Clamp(structure.DealerShareMean + (structure.DealerShareSd * truthRng.NextGaussian()), structure.DealerShareMin, structure.DealerShareMax);
            _truth = truth;
            _book = new PositionBook(truthRng, callShare, putShare, HasZeroDte, date, structure);
            foreach (var (contract, oi) in _listing)
            {
                _book.Open(contract, oi);
            }
        }
    }

    private bool HasZeroDte => _expiries.Length > 0 && _expiries[0] == _date;

    public void Minute(int minute, DateTimeOffset start, SimulatorOptions options, List<SimPrint> prints, List<SpotEvent> spots, List<RegimeSpan> regimes)
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
            Order(ts, spot, minute, options, prints);
        }
    }

    public void CloseRegime(DateTimeOffset close, List<RegimeSpan> regimes) =>
        regimes.Add(new RegimeSpan(_u.Symbol, _regime, _regimeStart, close));

    /// <summary>Writes every contract's open interest and dealer position after the last print into <see cref="SimulatedTruth.Contracts"/>.</summary>
    public void WriteContractTruth()
    {
        if (_book is null)
        {
            return;
        }

        foreach (var (contract, truth) in _book.Contracts())
        {
            _truth!.Contracts[(_u.Symbol, contract)] = truth;
        }
    }

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
}
