namespace FlowFunctions.Analytics.Pricing;

/// <summary>Standard normal density and distribution, to double precision. Thread-safe (stateless).</summary>
public static class NormalDistribution
{
    private const double InvSqrt2Pi = 0.398942280401432677939946059934;

    public static double Pdf(double x) => InvSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary>
    /// Φ(x) by Hart's (1968) rational approximation as given by G. West, "Better approximations to cumulative
    /// normal functions" (2005): absolute error below 1e-14 everywhere, no series or iteration.
    /// </summary>
    public static double Cdf(double x)
    {
        var z = Math.Abs(x);
        double tail;
        if (z > 37)
        {
            tail = 0;
        }
        else
        {
            var e = Math.Exp(-z * z / 2);
            if (z < 7.07106781186547)
            {
                var n = (3.52624965998911E-02 * z) + 0.700383064443688;
                n = (n * z) + 6.37396220353165;
                n = (n * z) + 33.912866078383;
                n = (n * z) + 112.079291497871;
                n = (n * z) + 221.213596169931;
                n = (n * z) + 220.206867912376;
                var d = (8.83883476483184E-02 * z) + 1.75566716318264;
                d = (d * z) + 16.064177579207;
                d = (d * z) + 86.7807322029461;
                d = (d * z) + 296.564248779674;
                d = (d * z) + 637.333633378831;
                d = (d * z) + 793.826512519948;
                d = (d * z) + 440.413735824752;
                tail = e * n / d;
            }
            else
            {
                var b = z + 0.65;
                b = z + (4 / b);
                b = z + (3 / b);
                b = z + (2 / b);
                b = z + (1 / b);
                tail = e / b / 2.506628274631;
            }
        }

        return x > 0 ? 1 - tail : tail;
    }
}
