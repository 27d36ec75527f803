using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Simulation.Truth;

/// <summary>
/// The positions behind one underlying's open interest: per contract, what customers and dealers hold long and short
/// (so open interest = longs = shorts), and who opens or closes on each print (docs/simulated-tape.md, "Truth").
/// Draws only from its own generator, so recording the truth never changes the tape. Who closes and who is on the
/// passive side follow <paramref name="structure"/> (<see cref="MarketStructure"/>). Not thread-safe.
/// </summary>
internal sealed class PositionBook(SimRandom rng, double callDealerShare, double putDealerShare, bool zeroDteIsToday, DateOnly tradingDate, MarketStructure structure)
{
    private readonly Dictionary<OptionKey, Positions> _books = [];

    /// <summary>
    /// Sets a contract's morning positions: dealers net long their share of call OI and net short their share of put
    /// OI; a negative share (<see cref="MarketStructure.DealersVary"/>) puts the net on the other side, so every holding
    /// stays at or above zero.
    /// </summary>
    public void Open(OptionKey contract, long baselineOi)
    {
        var gross = (long)Math.Round(0.1 * baselineOi);
        var net = (long)Math.Round((contract.Right == OptionRight.Call ? callDealerShare : putDealerShare) * baselineOi);
        var (along, against) = (gross + Math.Max(net, 0), gross + Math.Max(-net, 0));
        var (dealerLong, dealerShort) = contract.Right == OptionRight.Call ? (along, against) : (against, along);
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
    /// Books a print between a customer and a dealer (or, under a structure with customer-to-customer trading, another
    /// customer) and returns how many contracts each side opened. Each side closes before it opens when it decides to
    /// close: in the default structure customers who sell close longs more often on a contract that expires today (the
    /// intraday round trip), and the more they hold the likelier they close.
    /// </summary>
    public (int CustomerOpened, int DealerOpened, bool Crossed) Book(OptionKey contract, int size, bool customerBought, double spot)
    {
        if (!_books.TryGetValue(contract, out var p))
        {
            p = new Positions();
        }

        var crossed = structure.CustomerToCustomer > 0 && rng.Chance(structure.CustomerToCustomer);
        var zeroDte = zeroDteIsToday && contract.Expiry == tradingDate;
        var baseline = p.BaselineOi;
        int customerClosed, passiveClosed;
        if (customerBought)
        {
            customerClosed = CustomerCloses(contract, size, p.CustomerShort, 0.3, baseline, spot);
            Move(ref p.CustomerShort, ref p.CustomerLong, size, customerClosed);

            // The seller: another customer closing a long it holds or writing, else the dealer.
            passiveClosed = crossed
                ? CustomerCloses(contract, size, p.CustomerLong - (size - customerClosed), 0.55, baseline, spot)
                : Close(size, p.DealerLong, 0.5, baseline);
            Move(ref crossed ? ref p.CustomerLong : ref p.DealerLong, ref crossed ? ref p.CustomerShort : ref p.DealerShort, size, passiveClosed);
        }
        else
        {
            customerClosed = CustomerCloses(contract, size, p.CustomerLong, zeroDte ? 0.85 : 0.55, baseline, spot);
            Move(ref p.CustomerLong, ref p.CustomerShort, size, customerClosed);

            // The buyer: another customer covering a short it holds or buying to open, else the dealer.
            passiveClosed = crossed
                ? CustomerCloses(contract, size, p.CustomerShort - (size - customerClosed), 0.3, baseline, spot)
                : Close(size, p.DealerShort, 0.5, baseline);
            Move(ref crossed ? ref p.CustomerShort : ref p.DealerShort, ref crossed ? ref p.CustomerLong : ref p.DealerLong, size, passiveClosed);
        }

        _books[contract] = p;
        return (size - customerClosed, size - passiveClosed, crossed);
    }

    /// <summary>Every contract booked or opened, with its morning and closing open interest and dealer position.</summary>
    public IEnumerable<KeyValuePair<OptionKey, ContractTruth>> Contracts() =>
        _books.Select(kv => KeyValuePair.Create(kv.Key, new ContractTruth(
            kv.Value.BaselineOi, kv.Value.CustomerLong + kv.Value.DealerLong, kv.Value.DealerBaseline, kv.Value.DealerLong - kv.Value.DealerShort)));

    /// <summary>A side trades <paramref name="size"/>: <paramref name="closed"/> come off the holding it closes, the rest onto the one it opens.</summary>
    private static void Move(ref long closing, ref long opening, int size, int closed)
    {
        closing -= closed;
        opening += size - closed;
    }

    /// <summary>How many of a customer's <paramref name="size"/> contracts close its holding of <paramref name="held"/>.</summary>
    private int CustomerCloses(OptionKey contract, int size, long held, double propensity, long baseline, double spot)
    {
        if (!structure.ClosingByContractAndCustomer)
        {
            return Close(size, held, propensity, baseline);
        }

        if (held <= 0)
        {
            return 0;
        }

        var days = contract.Expiry.DayNumber - tradingDate.DayNumber;
        var p = days switch
        {
            <= 0 => 0.95,
            <= 7 => 0.9,
            <= 30 => 0.8,
            _ => 0.65,
        };
        var outOfTheMoney = contract.Right == OptionRight.Call ? contract.Strike / spot - 1 : 1 - (contract.Strike / spot);
        p += outOfTheMoney > 0.05 ? 0.05 : 0;
        p *= size < 10 ? 1.05 : size >= 50 ? 0.8 : 1.0;
        return rng.Chance(Math.Min(p, 0.98)) ? (int)Math.Min(size, held) : 0;
    }

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
