using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Pricing;

/// <summary>
/// Gamma over a real move (docs/methodology.md §4): the change in delta between spot 0.5 % below and 0.5 % above the
/// current one. Γ·S·1 % is its limit for a small move, and the two agree for contracts far from expiry; close to
/// expiry delta is a step around the strike, and the linear figure overstates what a 1 % move can do (for an
/// at-the-money 0DTE contract at 15 % volatility, about 1.3× at the open, 3.5× with 30 minutes left and 19× at the
/// 60-second floor). Calls and puts of one strike have the same change (their deltas differ by a constant).
/// Thread-safe (stateless).
/// </summary>
public static class GammaMove
{
    /// <summary>Half the move: the spot is bumped by ±0.5 %.</summary>
    public const double HalfMove = 0.005;

    /// <summary>Δ(S·1.005) − Δ(S·0.995), per share.</summary>
    public static double DeltaChange(OptionRight right, double spot, double strike, double years, double vol, PricingParameters rates) =>
        BlackScholes.DeltaGamma(right, spot * (1 + HalfMove), strike, years, vol, rates).Delta
        - BlackScholes.DeltaGamma(right, spot * (1 - HalfMove), strike, years, vol, rates).Delta;

    /// <summary>Gamma-dollars of one contract (100 shares) for a 1 % move: the delta change × 100 × S.</summary>
    public static double DollarsPerContract(OptionRight right, double spot, double strike, double years, double vol, PricingParameters rates) =>
        DeltaChange(right, spot, strike, years, vol, rates) * 100 * spot;
}
