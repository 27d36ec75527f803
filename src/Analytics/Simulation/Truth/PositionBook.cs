using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Simulation.Truth;

/// <summary>
/// The positions behind one underlying's open interest: per contract, what customers and dealers hold long and short
/// (so open interest = longs = shorts), and who opens or closes on each print (docs/simulated-tape.md, "Truth").
/// Draws only from its own generator, so recording the truth never changes the tape. Not thread-safe.
/// </summary>
internal sealed class PositionBook(SimRandom rng, double callDealerShare, double putDealerShare, bool zeroDteIsToday, DateOnly tradingDate)
{
    private readonly Dictionary<OptionKey, Positions> _books = [];

    /// <summary>Sets a contract's morning positions: dealers net long their share of call OI and net short their share of put OI.</summary>
    public void Open(OptionKey contract, long baselineOi)
    {
        var gross = (long)Math.Round(0.1 * baselineOi);
        var net = (long)Math.Round((contract.Right == OptionRight.Call ? callDealerShare : putDealerShare) * baselineOi);
        var (dealerLong, dealerShort) = contract.Right == OptionRight.Call ? (gross + net, gross) : (gross, gross + net);
        _books[contract] = new Positions
        {
            BaselineOi = baselineOi,
            DealerBaseline = dealerLong - dealerShort,
            CustomerLong = baselineOi - dealerLong,
            CustomerShort = baselineOi - dealerShort,
            DealerLong = dealerLong,
            DealerShort = dealerShort,
        };
    }

    /// <summary>
    /// Books a print between a customer and a dealer and returns how many contracts each side opened. Each side
    /// closes before it opens when it decides to close: customers who sell close longs more often on a contract that
    /// expires today (the intraday round trip), and the more they hold the likelier they close.
    /// </summary>
    public (int CustomerOpened, int DealerOpened) Book(OptionKey contract, int size, bool customerBought)
    {
        if (!_books.TryGetValue(contract, out var p))
        {
            p = new Positions();
        }

        var zeroDte = zeroDteIsToday && contract.Expiry == tradingDate;
        var baseline = p.BaselineOi;
        int customerClosed, dealerClosed;
        if (customerBought)
        {
            customerClosed = Close(size, p.CustomerShort, 0.3, baseline);
            dealerClosed = Close(size, p.DealerLong, 0.5, baseline);
            p.CustomerShort -= customerClosed;
            p.CustomerLong += size - customerClosed;
            p.DealerLong -= dealerClosed;
            p.DealerShort += size - dealerClosed;
        }
        else
        {
            customerClosed = Close(size, p.CustomerLong, zeroDte ? 0.85 : 0.55, baseline);
            dealerClosed = Close(size, p.DealerShort, 0.5, baseline);
            p.CustomerLong -= customerClosed;
            p.CustomerShort += size - customerClosed;
            p.DealerShort -= dealerClosed;
            p.DealerLong += size - dealerClosed;
        }

        _books[contract] = p;
        return (size - customerClosed, size - dealerClosed);
    }

    /// <summary>Every contract booked or opened, with its morning and closing open interest and dealer position.</summary>
    public IEnumerable<KeyValuePair<OptionKey, ContractTruth>> Contracts() =>
        _books.Select(kv => KeyValuePair.Create(kv.Key, new ContractTruth(
            kv.Value.BaselineOi, kv.Value.CustomerLong + kv.Value.DealerLong, kv.Value.DealerBaseline, kv.Value.DealerLong - kv.Value.DealerShort)));

    /// <summary>How many of <paramref name="size"/> contracts close a holding of <paramref name="held"/>.</summary>
    private int Close(int size, long held, double propensity, long baseline)
    {
        if (held <= 0)
        {
            return 0;
        }

        var p = propensity * held / (held + (0.25 * baseline) + 20);
        return rng.Chance(p) ? (int)Math.Min(size, held) : 0;
    }

    private struct Positions
    {
        public long BaselineOi;
        public long DealerBaseline;
        public long CustomerLong;
        public long CustomerShort;
        public long DealerLong;
        public long DealerShort;
    }
}
