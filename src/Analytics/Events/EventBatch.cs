namespace FlowFunctions.Analytics.Events;

/// <summary>Why an event was refused, where it sat in the input (index and byte range), for dead-lettering.</summary>
public readonly record struct EventRejection(int Index, string Reason, int Offset, int Length);

/// <summary>The position of an accepted event in its kind's list, in input order.</summary>
public readonly record struct EventRef(MarketEventKind Kind, int Position);

/// <summary>
/// What <see cref="EventParser"/> made of one input: the accepted events by kind, their input order, and the
/// rejections. Reusable through <see cref="Clear"/> so a hot loop allocates its lists once. Not thread-safe.
/// </summary>
public sealed class EventBatch
{
    public List<TradeEvent> Trades { get; } = [];

    public List<ChainEvent> Chains { get; } = [];

    public List<SpotEvent> Spots { get; } = [];

    public List<CancelEvent> Cancels { get; } = [];

    public List<EventRejection> Rejections { get; } = [];

    /// <summary>Accepted events in input order.</summary>
    public List<EventRef> Order { get; } = [];

    /// <summary>Events seen, accepted or not.</summary>
    public int Count => Order.Count + Rejections.Count;

    /// <summary>An accepted event's underlying and time, whatever its kind (a cancel's time is its print's).</summary>
    public (string Underlying, DateTimeOffset Timestamp) Stamp(EventRef e) => e.Kind switch
    {
        MarketEventKind.Trade => (Trades[e.Position].Underlying, Trades[e.Position].Timestamp),
        MarketEventKind.Spot => (Spots[e.Position].Underlying, Spots[e.Position].Timestamp),
        MarketEventKind.Cancel => (Cancels[e.Position].Underlying, Cancels[e.Position].Timestamp),
        _ => (Chains[e.Position].Underlying, Chains[e.Position].Timestamp),
    };

    public void Clear()
    {
        Trades.Clear();
        Chains.Clear();
        Spots.Clear();
        Cancels.Clear();
        Rejections.Clear();
        Order.Clear();
    }

    /// <summary>
    /// The batch as its own cancels leave it: the prints they name taken out, and the cancels with them; what the stores
    /// answer once every cancel has arrived (docs/methodology.md §13).
    /// </summary>
    public EventBatch WithoutCancelled()
    {
        var cancelled = new HashSet<(string, OptionKey, DateTimeOffset, TradeId)>();
        foreach (var c in Cancels)
        {
            cancelled.Add((c.Underlying, c.Contract, c.Timestamp, c.Id));
        }

        return Without(t => cancelled.Contains((t.Underlying, t.Contract, t.Timestamp, t.Id)));
    }

    /// <summary>
    /// Takes the prints <paramref name="drop"/> picks out of this batch, in place (asked in input order); the other
    /// events keep their order. Returns how many were taken out.
    /// </summary>
    public int RemoveTrades(Predicate<TradeEvent> drop)
    {
        var positions = new int[Trades.Count];
        var kept = 0;
        for (var i = 0; i < Trades.Count; i++)
        {
            if (drop(Trades[i]))
            {
                positions[i] = -1;
                continue;
            }

            Trades[kept] = Trades[i];
            positions[i] = kept++;
        }

        var removed = Trades.Count - kept;
        if (removed == 0)
        {
            return 0;
        }

        Trades.RemoveRange(kept, removed);
        var at = 0;
        for (var i = 0; i < Order.Count; i++)
        {
            var e = Order[i];
            if (e.Kind != MarketEventKind.Trade)
            {
                Order[at++] = e;
            }
            else if (positions[e.Position] >= 0)
            {
                Order[at++] = e with { Position = positions[e.Position] };
            }
        }

        Order.RemoveRange(at, Order.Count - at);
        return removed;
    }

    /// <summary>The accepted events in order, less the prints <paramref name="drop"/> picks and every cancel; rejections are not carried.</summary>
    public EventBatch Without(Predicate<TradeEvent> drop)
    {
        var kept = new EventBatch();
        foreach (var e in Order)
        {
            switch (e.Kind)
            {
                case MarketEventKind.Trade when !drop(Trades[e.Position]): kept.Add(Trades[e.Position]); break;
                case MarketEventKind.Chain: kept.Add(Chains[e.Position]); break;
                case MarketEventKind.Spot: kept.Add(Spots[e.Position]); break;
            }
        }

        return kept;
    }

    /// <summary>How much the batch holds now, to return to with <see cref="RollBack"/>.</summary>
    internal (int Trades, int Chains, int Spots, int Cancels, int Rejections, int Order) Mark() =>
        (Trades.Count, Chains.Count, Spots.Count, Cancels.Count, Rejections.Count, Order.Count);

    /// <summary>Removes everything added since <paramref name="mark"/>.</summary>
    internal void RollBack((int Trades, int Chains, int Spots, int Cancels, int Rejections, int Order) mark)
    {
        Trades.RemoveRange(mark.Trades, Trades.Count - mark.Trades);
        Chains.RemoveRange(mark.Chains, Chains.Count - mark.Chains);
        Spots.RemoveRange(mark.Spots, Spots.Count - mark.Spots);
        Cancels.RemoveRange(mark.Cancels, Cancels.Count - mark.Cancels);
        Rejections.RemoveRange(mark.Rejections, Rejections.Count - mark.Rejections);
        Order.RemoveRange(mark.Order, Order.Count - mark.Order);
    }

    internal void Add(in TradeEvent trade)
    {
        Order.Add(new EventRef(MarketEventKind.Trade, Trades.Count));
        Trades.Add(trade);
    }

    internal void Add(ChainEvent chain)
    {
        Order.Add(new EventRef(MarketEventKind.Chain, Chains.Count));
        Chains.Add(chain);
    }

    internal void Add(in SpotEvent spot)
    {
        Order.Add(new EventRef(MarketEventKind.Spot, Spots.Count));
        Spots.Add(spot);
    }

    internal void Add(in CancelEvent cancel)
    {
        Order.Add(new EventRef(MarketEventKind.Cancel, Cancels.Count));
        Cancels.Add(cancel);
    }
}
