using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>
/// Dealer gamma exposure (docs/methodology.md §9): Γ × OI × 100 × S² × 0.01 dollars per 1% move, positive for calls and negative
/// for puts (dealers assumed long the calls and short the puts customers hold). Thread-safe (stateless).
/// </summary>
public static class GammaExposure
{
    public static double OfContract(OptionRight right, double gamma, double openInterest, double spot)
    {
        var gex = gamma * openInterest * 100 * spot * spot * 0.01;
        return right == OptionRight.Call ? gex : -gex;
    }
}
