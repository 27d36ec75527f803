using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Pricing;

/// <summary>Outcome of an implied-volatility solve: the volatility, or why there is none.</summary>
public readonly record struct ImpliedVolResult(bool Success, double Volatility, int Iterations, string? Failure)
{
    public static ImpliedVolResult Failed(string reason) => new(false, double.NaN, 0, reason);
}

/// <summary>
/// Implied volatility by safeguarded Newton-Raphson: Newton steps on σ inside a bracket that bisection keeps
/// shrinking, so it converges for every price strictly inside the no-arbitrage bounds (the BSM price is strictly
/// increasing in σ there) and reports failure for any price outside them, and for a solve that neither meets the
/// price tolerance nor closes the bracket within its iterations (docs/methodology.md §3). Thread-safe (stateless).
/// </summary>
public static class ImpliedVolatility
{
    /// <summary>Newton-or-bisection steps before a solve that has not converged is reported as failed.</summary>
    public const int MaxIterations = 200;
    private const double MaxVolatility = 1e4;

    public static ImpliedVolResult Solve(OptionRight right, double price, double spot, double strike, double years, PricingParameters rates, int maxIterations = MaxIterations)
    {
        if (!(price > 0) || !double.IsFinite(price))
        {
            return ImpliedVolResult.Failed("price must be a positive number");
        }

        if (!(spot > 0) || !(strike > 0) || !(years > 0) || !double.IsFinite(spot) || !double.IsFinite(strike) || !double.IsFinite(years))
        {
            return ImpliedVolResult.Failed("spot, strike and time to expiry must be positive numbers");
        }

        var (lower, upper) = BlackScholes.Bounds(right, spot, strike, years, rates);
        if (price <= lower)
        {
            return ImpliedVolResult.Failed($"price {price} is at or below the no-arbitrage lower bound {lower:0.####}");
        }

        if (price >= upper)
        {
            return ImpliedVolResult.Failed($"price {price} is at or above the no-arbitrage upper bound {upper:0.####}");
        }

        // Bracket: the price at σ→0 is the lower bound, below the target; grow the top until it prices above.
        var lo = 0.0;
        var hi = 1.0;
        while (BlackScholes.Price(right, spot, strike, years, hi, rates) < price)
        {
            lo = hi;
            hi *= 2;
            if (hi > MaxVolatility)
            {
                return ImpliedVolResult.Failed("price implies a volatility above 10,000%");
            }
        }

        // Brenner-Subrahmanyam start, kept inside the bracket.
        var vol = Math.Sqrt(2 * Math.PI / years) * price / spot;
        if (!(vol > lo && vol < hi))
        {
            vol = 0.5 * (lo + hi);
        }

        var tolerance = Math.Max(1e-12, price * 1e-12);
        for (var i = 1; i <= maxIterations; i++)
        {
            var g = BlackScholes.Greeks(right, spot, strike, years, vol, rates);
            var diff = g.Price - price;
            if (Math.Abs(diff) <= tolerance)
            {
                return new ImpliedVolResult(true, vol, i, null);
            }

            if (diff > 0)
            {
                hi = vol;
            }
            else
            {
                lo = vol;
            }

            var next = g.Vega > 0 ? vol - (diff / g.Vega) : double.NaN;
            vol = next > lo && next < hi ? next : 0.5 * (lo + hi);
            if (hi - lo <= hi * 1e-15)
            {
                return new ImpliedVolResult(true, vol, i, null);
            }
        }

        var last = BlackScholes.Price(right, spot, strike, years, vol, rates);
        return ImpliedVolResult.Failed($"did not converge in {maxIterations} iterations: σ in [{lo:G6}, {hi:G6}] prices {last:G10} against {price:G10}");
    }
}
