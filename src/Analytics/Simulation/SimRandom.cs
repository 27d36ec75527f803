namespace FlowFunctions.Analytics.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, statistically sound, and identical on every platform and runtime,
/// which <see cref="Random"/> does not promise across versions. Not thread-safe: one per stream.
/// </summary>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A stream seed derived from a base seed and labels, so streams are independent and reproducible.</summary>
    public static ulong Derive(ulong seed, params ReadOnlySpan<ulong> labels)
    {
        var x = seed ^ 0x9E3779B97F4A7C15UL;
        var h = SplitMix(ref x);
        foreach (var label in labels)
        {
            x = h ^ unchecked(label * 0xBF58476D1CE4E5B9UL);
            h = SplitMix(ref x);
        }

        return h;
    }

    /// <summary>FNV-1a of a string, for use as a label.</summary>
    public static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = unchecked((h ^ c) * 1099511628211UL);
        }

        return h;
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            var result = RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)(NextDouble() * n);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box-Muller (one of the pair; simplicity over speed).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Pareto with minimum <paramref name="min"/> and tail index <paramref name="alpha"/>: heavy-tailed sizes.</summary>
    public double NextPareto(double min, double alpha) => min * Math.Pow(1.0 - NextDouble(), -1.0 / alpha);

    /// <summary>Poisson by inversion (means up to a few hundred) or a rounded normal beyond.</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 200)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * NextGaussian())));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
