using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Simulation.Truth;

/// <summary>Who sent the order that took liquidity: a customer, or a market maker taking a customer's resting order.</summary>
public enum Initiator : byte
{
    Customer = 0,
    MarketMaker = 1,
}

/// <summary>
/// What the simulator knows about one of its prints and a real tape hides (docs/simulated-tape.md). Every print has a
/// customer on one side and a dealer (market maker) on the other, or under a structure with customer-to-customer
/// trading (<see cref="MarketStructure"/>) another customer.
/// </summary>
/// <param name="Underlying">The print's underlying.</param>
/// <param name="Id">The print's <c>id</c> on the tape, unique per underlying and trading date.</param>
/// <param name="Contract">The contract.</param>
/// <param name="Size">Contracts.</param>
/// <param name="BuyerInitiated">The true aggressor side: true when the buyer took liquidity.</param>
/// <param name="Initiator">Whether the aggressor was the customer or the market maker.</param>
/// <param name="CustomerOpened">Contracts the customer opened (the rest of <paramref name="Size"/> closed a position).</param>
/// <param name="DealerOpened">Contracts the passive side opened: the dealer, or with <paramref name="Crossed"/> another customer.</param>
/// <param name="Package">The multi-leg package the print is a leg of, numbered per underlying from 1; 0 for a single order.</param>
/// <param name="Cancelled">The print was busted (a cancel naming it follows on the tape): it opened and closed nothing.</param>
/// <param name="Crossed">Customers on both sides (<see cref="MarketStructure.CustomerToCustomer"/>): no dealer position moved.</param>
public readonly record struct PrintTruth(
    string Underlying,
    TradeId Id,
    OptionKey Contract,
    int Size,
    bool BuyerInitiated,
    Initiator Initiator,
    int CustomerOpened,
    int DealerOpened,
    int Package,
    bool Cancelled = false,
    bool Crossed = false)
{
    /// <summary>True when the customer bought (whoever initiated).</summary>
    public bool CustomerBought => BuyerInitiated == (Initiator == Initiator.Customer);

    /// <summary>The print's change to open interest: contracts opened by both sides less the size.</summary>
    public int OiChange => Cancelled ? 0 : CustomerOpened + DealerOpened - Size;

    /// <summary>The dealer's change of net position in the contract, in contracts (long positive).</summary>
    public int DealerNetChange => Cancelled || Crossed ? 0 : CustomerBought ? -Size : Size;
}

/// <summary>One contract's open interest and dealer position as the simulator knows them.</summary>
/// <param name="BaselineOi">The settled OI of the morning chain.</param>
/// <param name="CloseOi">The OI after the day's last print: what the clearing house reports the next morning (for a
/// contract that expired that day, before expiration removes it).</param>
/// <param name="DealerBaseline">The dealers' net position at the open (long positive).</param>
/// <param name="DealerClose">The dealers' net position after the last print.</param>
public readonly record struct ContractTruth(long BaselineOi, long CloseOi, long DealerBaseline, long DealerClose);
