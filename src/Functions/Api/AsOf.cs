using System.Diagnostics.CodeAnalysis;
using FlowFunctions.Analytics.Time;
using FlowFunctions.Functions.Hosting;
using FlowFunctions.Storage;
using FlowFunctions.Storage.History;

namespace FlowFunctions.Functions.Api;

/// <summary>
/// The instant a query answers for and the store it reads (docs/api.md "History"): without <c>at</c>, the market
/// clock's now and the live store; with it, <c>at</c> and the store as it stood then (<see cref="AsOfFlowStore"/>).
/// </summary>
public sealed class AsOf
{
    /// <summary>The query parameter every read endpoint takes (Api/Endpoints.cs).</summary>
    public const string Parameter = "at";

    private readonly MarketClock _clock;
    private readonly IFlowStore _store;
    private readonly DateTimeOffset? _at;

    private AsOf(MarketClock clock, IFlowStore store, DateTimeOffset? at)
    {
        _clock = clock;
        _store = store;
        _at = at;
    }

    /// <summary>Whether the answer is for a past instant rather than now.</summary>
    public bool IsPast => _at is not null;

    /// <summary>What a cached answer's key adds: nothing for now, the instant's UTC ticks for a past one.</summary>
    public string Key => _at is { } at ? $"|at:{at.UtcTicks}" : string.Empty;

    /// <summary>The instant to answer for and the store to read; for now, the clock is read at each call.</summary>
    public (DateTimeOffset Now, IFlowStore Store) Read() =>
        _at is { } at ? (at, new AsOfFlowStore(_store, (IFlowHistory)_store, at)) : (_clock.Now, _store);

    /// <summary>
    /// Reads <c>at</c> of <paramref name="args"/>; an instant after now, before the store's first retained trading date,
    /// or on a store that keeps no history is refused with <c>at_out_of_range</c>.
    /// </summary>
    public static bool TryResolve(QueryArguments args, IServiceProvider services, out AsOf asOf, [NotNullWhen(false)] out QueryAnswer? refused)
    {
        var (clock, store) = (services.GetRequiredService<MarketClock>(), services.GetRequiredService<IFlowStore>());
        asOf = new AsOf(clock, store, args.Instant(Parameter));
        refused = null;
        if (asOf._at is not { } at)
        {
            return true;
        }

        var now = clock.Now;
        string? why = null;
        if (store is not IFlowHistory history)
        {
            why = "not available: this store keeps no history";
        }
        else if (at > now)
        {
            why = $"in the future: the market clock reads {now:yyyy-MM-ddTHH:mm:ssZ}";
        }
        else
        {
            var first = NewYorkTime.FirstRetainedDate(NewYorkTime.TradingDate(now), history.RetentionTradingDays);
            if (at < NewYorkTime.ToUtc(first, TimeOnly.MinValue))
            {
                why = $"before the retention: the store keeps {history.RetentionTradingDays} trading dates, from {first:yyyy-MM-dd} (New York)";
            }
        }

        if (why is null)
        {
            return true;
        }

        refused = new QueryAnswer(ApiErrors.OutOfRangeAt(at, why));
        return false;
    }
}
