namespace FlowFunctions.Analytics.Pricing;

/// <summary>
/// Rates for the Black-Scholes-Merton model (README "Settings": <c>Greeks:RiskFreeRate</c>, <c>Greeks:DividendYield</c>),
/// both continuously compounded decimals.
/// </summary>
public sealed record PricingParameters(double RiskFreeRate = 0.04, double DividendYield = 0.0)
{
    public static PricingParameters Default { get; } = new();
}
