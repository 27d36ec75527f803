using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Exposure;

/// <summary>
/// Gamma exposure (docs/methodology.md §9) in dollars per 1 % move: the delta change over a ±0.5 % move
/// (<see cref="Pricing.GammaMove"/>) × OI × 100 × S, positive for calls and negative for puts (the seed pages' convention:
/// dealers assumed long the calls and short the puts customers hold). Thread-safe (stateless).
/// </summary>
public static class GammaExposure
{
    public static double OfContract(OptionRight right, double deltaChange, double openInterest, double spot)
    {
        var gex = deltaChange * openInterest * 100 * spot;
        return right == OptionRight.Call ? gex : -gex;
    }
}
