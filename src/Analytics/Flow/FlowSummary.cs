using System.Text.Json.Serialization;
using FlowFunctions.Analytics.Exposure;

namespace FlowFunctions.Analytics.Flow;

/// <summary>Response of the flow-summary endpoint (docs/api.md; its route is declared once, in Functions/Api/Endpoints.cs).</summary>
public sealed record FlowSummaryResponse(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf,
    [property: JsonPropertyName("underlying_price")] double? UnderlyingPrice,
    [property: JsonPropertyName("expiry")] DateOnly? Expiry,
    [property: JsonPropertyName("flow_direction")] string FlowDirection,
    [property: JsonPropertyName("intraday_oi_delta")] long IntradayOiDelta,
    [property: JsonPropertyName("contracts_with_flow")] int ContractsWithFlow,
    [property: JsonPropertyName("contracts_total")] int ContractsTotal,
    [property: JsonPropertyName("live_gex")] long LiveGex,
    [property: JsonPropertyName("flow_gex_pct_shift")] double? FlowGexPctShift,
    [property: JsonPropertyName("dealer_gex")] DealerGexView DealerGex,
    [property: JsonPropertyName("signed_flow")] SignedFlowView SignedFlow);

/// <summary>
/// Today's net contracts two ways, beside the public pages' fields (docs/methodology.md §2): by the aggressor rule,
/// and as expected under each print's calibrated buy probability, with its standard deviation and how certain the
/// signs were.
/// </summary>
public sealed record SignedFlowView(
    [property: JsonPropertyName("rule_net_contracts")] long RuleNetContracts,
    [property: JsonPropertyName("expected_net_contracts")] long ExpectedNetContracts,
    [property: JsonPropertyName("sd_net_contracts")] long SdNetContracts,
    [property: JsonPropertyName("sign_certainty")] double? SignCertainty)
{
    /// <summary>Summed over the positions' flow; whole contracts rounded half away from zero, certainty to 4 dp.</summary>
    public static SignedFlowView Of(IReadOnlyList<ContractPosition> positions)
    {
        Int128 rule = 0, signedMilli = 0, decisiveMilli = 0, contracts = 0;
        double varianceMilli = 0;
        foreach (var p in positions)
        {
            rule += p.Flow.Flow.NetVolume;
            signedMilli += p.Flow.SignedMilli;
            decisiveMilli += p.Flow.DecisiveMilli;
            varianceMilli += (double)p.Flow.SignVarianceMilli;
            contracts += p.Flow.Flow.TotalVolume;
        }

        return new SignedFlowView(
            Rounding.Count(rule),
            Rounding.Dollars((double)signedMilli / 1000.0),
            Rounding.Dollars(Math.Sqrt(varianceMilli / 1000.0)),
            contracts == 0 ? null : Rounding.Ratio((double)decisiveMilli / (1000.0 * (double)contracts)));
    }
}

/// <summary>
/// The dealer-signed view beside the public pages' fields (docs/methodology.md §9, "Dealer gamma"): whole dollars per
/// 1 % move, positive when dealers are long gamma.
/// </summary>
public sealed record DealerGexView(
    [property: JsonPropertyName("settled")] long Settled,
    [property: JsonPropertyName("p10")] long P10,
    [property: JsonPropertyName("p50")] long P50,
    [property: JsonPropertyName("p90")] long P90,
    [property: JsonPropertyName("regime")] string Regime,
    [property: JsonPropertyName("regime_flip")] bool RegimeFlip);

/// <summary>Settled and live dealer GEX of a chain and what separates them.</summary>
public readonly record struct GexComparison(double Settled, double Live, int ContractsWithFlow, int ContractsTotal, double IntradayOiDelta);

/// <summary>
/// Flow summary (docs/methodology.md §9): settled GEX on the baseline OI, live GEX on the OI simulator's effective OI, both at the
/// current spot and IV; the percent shift and the direction label between them. Thread-safe (stateless).
/// </summary>
public static class FlowSummary
{
    public const string NoFlow = "no_flow";
    public const string RegimeFlip = "regime_flip";
    public const string Neutral = "neutral";
    public const string Amplifying = "amplifying";
    public const string Dampening = "dampening";

    /// <summary>|shift| below this is <c>neutral</c>.</summary>
    public const double NeutralBand = 0.05;

    public static FlowSummaryResponse Build(ChainFlowInput input)
    {
        var positions = ChainFlow.Positions(input);
        var gex = Compare(positions, input.Spot);
        var dealer = DealerGamma.Estimate(positions, input.Spot);
        var shift = PctShift(gex.Settled, gex.Live);
        return new FlowSummaryResponse(
            input.Symbol,
            Rounding.Seconds(input.Now),
            input.Spot > 0 ? Rounding.Price(input.Spot) : null,
            input.Expiry,
            Direction(gex.Settled, gex.Live, gex.ContractsWithFlow),
            Rounding.Dollars(gex.IntradayOiDelta),
            gex.ContractsWithFlow,
            gex.ContractsTotal,
            Rounding.Dollars(gex.Live),
            shift is { } s ? Rounding.Ratio(s) : null,
            new DealerGexView(
                Rounding.Dollars(dealer.Settled),
                Rounding.Dollars(dealer.P10),
                Rounding.Dollars(dealer.P50),
                Rounding.Dollars(dealer.P90),
                dealer.Regime,
                dealer.Flipped),
            SignedFlowView.Of(positions));
    }

    /// <param name="spot">The spot the positions' gamma was taken at.</param>
    public static GexComparison Compare(IReadOnlyList<ContractPosition> positions, double spot)
    {
        double settled = 0, live = 0, oiDelta = 0;
        var withFlow = 0;
        foreach (var p in positions)
        {
            oiDelta += p.Oi.Delta;
            if (p.Oi.HasFlow)
            {
                withFlow++;
            }

            if (p.Gamma > 0)
            {
                settled += GammaExposure.OfContract(p.Key.Right, p.Gamma, p.Oi.Baseline, spot);
                live += GammaExposure.OfContract(p.Key.Right, p.Gamma, p.Oi.Effective, spot);
            }
        }

        return new GexComparison(settled, live, withFlow, positions.Count, oiDelta);
    }

    /// <summary>(live − settled) / |settled|; null when settled is 0.</summary>
    public static double? PctShift(double settled, double live) => settled == 0 ? null : (live - settled) / Math.Abs(settled);

    /// <summary>
    /// <c>no_flow</c> when no contract's effective OI moved; <c>regime_flip</c> when live and settled have opposite
    /// signs; <c>neutral</c> when |shift| &lt; 5%; else <c>amplifying</c> (|live| &gt; |settled|) or <c>dampening</c>.
    /// </summary>
    public static string Direction(double settled, double live, int contractsWithFlow)
    {
        if (contractsWithFlow == 0)
        {
            return NoFlow;
        }

        if ((settled > 0 && live < 0) || (settled < 0 && live > 0))
        {
            return RegimeFlip;
        }

        if (PctShift(settled, live) is { } shift && Math.Abs(shift) < NeutralBand)
        {
            return Neutral;
        }

        return Math.Abs(live) > Math.Abs(settled) ? Amplifying : Dampening;
    }
}
