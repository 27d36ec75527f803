using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Pricing;

/// <summary>Price and sensitivities of a European option under Black-Scholes-Merton.</summary>
/// <param name="Price">Option value per share.</param>
/// <param name="Delta">∂V/∂S: e^(−qT)·N(d1) for calls, −e^(−qT)·N(−d1) for puts.</param>
/// <param name="Gamma">∂²V/∂S²: e^(−qT)·φ(d1)/(S·σ·√T), equal for calls and puts.</param>
/// <param name="Vega">∂V/∂σ per unit of volatility (not per vol point).</param>
public readonly record struct OptionGreeks(double Price, double Delta, double Gamma, double Vega);

/// <summary>
/// Black-Scholes-Merton with a continuous dividend yield. Inputs: spot S, strike K, years T, rate r, yield q,
/// volatility σ (decimal). Thread-safe (stateless).
/// </summary>
public static class BlackScholes
{
    public static OptionGreeks Greeks(OptionRight right, double spot, double strike, double years, double vol, PricingParameters rates)
    {
        var sqrtT = Math.Sqrt(years);
        var volSqrtT = vol * sqrtT;
        var r = rates.RiskFreeRate;
        var q = rates.DividendYield;
        var d1 = (Math.Log(spot / strike) + ((r - q + (0.5 * vol * vol)) * years)) / volSqrtT;
        var d2 = d1 - volSqrtT;
        var dfq = Math.Exp(-q * years);
        var dfr = Math.Exp(-r * years);
        var pdf = NormalDistribution.Pdf(d1);
        var gamma = dfq * pdf / (spot * volSqrtT);
        var vega = spot * dfq * pdf * sqrtT;
        if (right == OptionRight.Call)
        {
            var nd1 = NormalDistribution.Cdf(d1);
            var price = (spot * dfq * nd1) - (strike * dfr * NormalDistribution.Cdf(d2));
            return new OptionGreeks(price, dfq * nd1, gamma, vega);
        }
        else
        {
            var nmd1 = NormalDistribution.Cdf(-d1);
            var price = (strike * dfr * NormalDistribution.Cdf(-d2)) - (spot * dfq * nmd1);
            return new OptionGreeks(price, -dfq * nmd1, gamma, vega);
        }
    }

    public static double Price(OptionRight right, double spot, double strike, double years, double vol, PricingParameters rates) =>
        Greeks(right, spot, strike, years, vol, rates).Price;

    /// <summary>
    /// Delta and gamma only: the two figures the per-print fold needs, with one Φ evaluation instead of two.
    /// </summary>
    public static (double Delta, double Gamma) DeltaGamma(OptionRight right, double spot, double strike, double years, double vol, PricingParameters rates)
    {
        var volSqrtT = vol * Math.Sqrt(years);
        var q = rates.DividendYield;
        var d1 = (Math.Log(spot / strike) + ((rates.RiskFreeRate - q + (0.5 * vol * vol)) * years)) / volSqrtT;
        var dfq = q == 0 ? 1.0 : Math.Exp(-q * years);
        var gamma = dfq * NormalDistribution.Pdf(d1) / (spot * volSqrtT);
        var delta = right == OptionRight.Call ? dfq * NormalDistribution.Cdf(d1) : -dfq * NormalDistribution.Cdf(-d1);
        return (delta, gamma);
    }

    /// <summary>No-arbitrage bounds of the option value: (intrinsic on forwards, discounted underlying or strike).</summary>
    public static (double Lower, double Upper) Bounds(OptionRight right, double spot, double strike, double years, PricingParameters rates)
    {
        var fwdSpot = spot * Math.Exp(-rates.DividendYield * years);
        var pvStrike = strike * Math.Exp(-rates.RiskFreeRate * years);
        return right == OptionRight.Call
            ? (Math.Max(0, fwdSpot - pvStrike), fwdSpot)
            : (Math.Max(0, pvStrike - fwdSpot), pvStrike);
    }
}
