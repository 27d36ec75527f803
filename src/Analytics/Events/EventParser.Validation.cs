using FlowFunctions.Analytics.Time;

namespace FlowFunctions.Analytics.Events;

// Validating what was read and building the typed event, or the reason it is refused (messages: EventErrors).
public sealed partial class EventParser
{
    private string? Build(ref Fields f, EventBatch batch)
    {
        if (f.Kind is null)
        {
            return f.KindInvalid ? EventErrors.TypeUnknown : EventErrors.TypeRequired;
        }

        if (f.Ts is not { } ts)
        {
            return EventErrors.TsRequired;
        }

        if (_options.NotBefore is { } notBefore && ts < notBefore)
        {
            return EventErrors.BeforeWindow(Iso(ts), Iso(notBefore));
        }

        if (_options.NotAfter is { } notAfter && ts > notAfter)
        {
            return EventErrors.AfterWindow(Iso(ts), Iso(notAfter));
        }

        if (f.Underlying is not { } underlying)
        {
            return EventErrors.UnderlyingRequired;
        }

        switch (f.Kind)
        {
            case MarketEventKind.Trade:
                return BuildTrade(ref f, ts, underlying, batch);
            case MarketEventKind.Spot:
                if (CheckPositive(f.Price, "price", EventLimits.MaxSpot, required: true, EventLimits.MinPrice) is { } spotError)
                {
                    return spotError;
                }

                batch.Add(new SpotEvent(ts, underlying, f.Price));
                return null;
            case MarketEventKind.Cancel:
                return BuildCancel(ref f, ts, underlying, batch);
            default:
                return BuildChain(ref f, ts, underlying, batch);
        }
    }

    private static string? BuildTrade(ref Fields f, DateTimeOffset ts, string underlying, EventBatch batch)
    {
        if (ResolveContract(ref f.Contract, out var key) is { } contractError)
        {
            return contractError;
        }

        var tradeDate = NewYorkTime.TradingDate(ts);
        if (key.Expiry < tradeDate)
        {
            return EventErrors.ExpiryBeforeTradeDate(key.Expiry, tradeDate);
        }

        // Ten years are at least 3,652 days, so a nearer expiry needs no calendar arithmetic.
        if (key.Expiry.DayNumber - tradeDate.DayNumber > 365 * EventLimits.MaxExpiryYears && key.Expiry > tradeDate.AddYears(EventLimits.MaxExpiryYears))
        {
            return EventErrors.ExpiryTooFar;
        }

        var error = CheckPositive(f.Price, "price", EventLimits.MaxPrice, required: true, EventLimits.MinPrice)
            ?? CheckSize(f.Size)
            ?? CheckQuote(f.Bid, f.Ask)
            ?? CheckPositive(f.Spot, "spot", EventLimits.MaxSpot, required: false, EventLimits.MinPrice)
            ?? CheckPositive(f.Iv, "iv", EventLimits.MaxIv, required: false);
        if (error is not null)
        {
            return error;
        }

        batch.Add(new TradeEvent(ts, underlying, key, f.Price, (int)f.Size, f.Bid, f.Ask, f.Spot, f.Iv, f.Side, f.Exchange, f.Conditions, f.Id));
        return null;
    }

    private static string? BuildCancel(ref Fields f, DateTimeOffset ts, string underlying, EventBatch batch)
    {
        if (ResolveContract(ref f.Contract, out var key) is { } contractError)
        {
            return contractError;
        }

        if (f.Id.IsNone)
        {
            return EventErrors.CancelIdRequired;
        }

        batch.Add(new CancelEvent(ts, underlying, key, f.Id));
        return null;
    }

    private static string? BuildChain(ref Fields f, DateTimeOffset ts, string underlying, EventBatch batch)
    {
        if (!f.HasContracts || f.Contracts is null)
        {
            return EventErrors.ContractsRequired;
        }

        if (CheckPositive(f.Spot, "spot", EventLimits.MaxSpot, required: false, EventLimits.MinPrice) is { } spotError)
        {
            return spotError;
        }

        batch.Add(new ChainEvent(ts, underlying, f.Spot, f.Contracts));
        return null;
    }

    private static string? ResolveContract(ref Contract c, out OptionKey key)
    {
        if (c.Occ is { } occ)
        {
            key = occ;
            return null;
        }

        key = default;
        if (c.Expiry is not { } expiry)
        {
            return EventErrors.ExpiryRequired;
        }

        if (double.IsNaN(c.Strike))
        {
            return EventErrors.StrikeRequired;
        }

        if (c.Right is not { } right)
        {
            return EventErrors.RightRequired;
        }

        return OptionKey.TryCreate(expiry, c.Strike, right, out key)
            ? null
            : EventErrors.Strike;
    }

    /// <summary>NaN (absent) passes unless required; else the value must be above 0, at least <paramref name="min"/> and at most <paramref name="max"/>.</summary>
    private static string? CheckPositive(double value, string name, double max, bool required, double min = 0)
    {
        if (double.IsNaN(value))
        {
            return required ? EventErrors.Required(name) : null;
        }

        if (!(value > 0))
        {
            return EventErrors.MustBePositive(name);
        }

        if (value < min)
        {
            return EventErrors.AtLeastOneTick(name);
        }

        return value > max ? EventErrors.AtMost(name, max) : null;
    }

    private static string? CheckSize(double size)
    {
        if (double.IsNaN(size))
        {
            return EventErrors.SizeRequired;
        }

        if (size < 1)
        {
            return EventErrors.SizeAtLeastOne;
        }

        if (size != Math.Floor(size))
        {
            return EventErrors.SizeWhole;
        }

        return size > EventLimits.MaxSize ? EventErrors.SizeTooLarge : null;
    }

    private static string? CheckQuote(double bid, double ask)
    {
        if (!double.IsNaN(bid) && (bid < 0 || bid > EventLimits.MaxPrice))
        {
            return EventErrors.BidRange;
        }

        if (!double.IsNaN(ask) && (ask < 0 || ask > EventLimits.MaxPrice))
        {
            return EventErrors.AskRange;
        }

        return ask < bid ? EventErrors.AskBelowBid : null;
    }

    private static string Iso(DateTimeOffset ts) => ts.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'");
}
