using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Classification;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Pricing;

namespace FlowFunctions.Analytics.Streaming;

/// <summary>One print at or above the block threshold, as the stream sends it.</summary>
/// <param name="Side">The aggressor rule's side: <c>buy</c>, <c>sell</c> or <c>mid</c>.</param>
/// <param name="DeltaDollars">Signed delta-dollars (docs/methodology.md §4, any expiry), 0 for a mid print; null when the
/// print's spot or IV is unknown.</param>
public readonly record struct BlockPrint(
    string Symbol,
    DateTimeOffset Timestamp,
    OptionKey Contract,
    string Side,
    double Price,
    int Size,
    long PremiumCents,
    long? DeltaDollars,
    string TradeId);

/// <summary>
/// Which prints are blocks (docs/methodology.md §14): at least <see cref="MinContracts"/> contracts, or at least
/// <see cref="MinPremiumCents"/> of premium. Defaults: 1,000 contracts or $250,000. Immutable.
/// </summary>
public sealed record BlockRule(int MinContracts = BlockRule.DefaultMinContracts, long MinPremiumCents = BlockRule.DefaultMinPremiumCents)
{
    public const int DefaultMinContracts = 1_000;
    public const long DefaultMinPremiumCents = 250_000_00;

    public static BlockRule Default { get; } = new();

    public bool IsBlock(int size, long premiumCents) => size >= MinContracts || premiumCents >= MinPremiumCents;

    /// <summary>The blocks among a fold's prints, in the order they were folded, with their trading dates.</summary>
    public IEnumerable<(DateOnly TradingDate, BlockPrint Print)> Blocks(FlowFold fold)
    {
        foreach (var (key, print) in fold.Ledger)
        {
            if (IsBlock(print.Size, print.PremiumCents))
            {
                yield return (print.TradingDate, Of(key.Symbol, print, fold.Pricing));
            }
        }
    }

    /// <summary>A folded print as a block: its side by the aggressor rule and its signed delta-dollars at its spot and IV.</summary>
    public static BlockPrint Of(string symbol, in LedgerPrint print, PricingParameters pricing)
    {
        var sign = print.Side switch
        {
            AggressorSide.Buy => 1,
            AggressorSide.Sell => -1,
            _ => 0,
        };
        var last = print.Print;
        long? deltaDollars = null;
        if (last.Spot > 0 && last.Iv > 0)
        {
            var years = TimeToExpiry.Years(last.Timestamp, print.Contract.Expiry);
            var (delta, _) = BlackScholes.DeltaGamma(print.Contract.Right, last.Spot, print.Contract.Strike, years, last.Iv, pricing);
            deltaDollars = (long)Math.Round(sign * print.Size * 100.0 * delta * last.Spot, MidpointRounding.AwayFromZero);
        }

        var side = sign switch
        {
            1 => "buy",
            -1 => "sell",
            _ => "mid",
        };
        return new BlockPrint(symbol, last.Timestamp, print.Contract, side, last.Price, print.Size, print.PremiumCents, deltaDollars, print.Id.ToString());
    }
}
