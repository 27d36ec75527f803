namespace FlowFunctions.Analytics.Exposure;

/// <summary>
/// The fitted coefficients of <see cref="OiSimulator"/> by days to expiry: 0, 1–7, 8–30, more than 30. Written by
/// <c>dotnet run -c Release --project bench/Benchmarks -- accuracy --fit</c> from simulated seeds 1–50; the accuracy
/// report (docs/methodology.md "Accuracy") measures them on seeds 51–100.
/// </summary>
public static class OiModel
{
    /// <summary>Upper bound (inclusive) of each bucket's days to expiry; the last bucket takes the rest.</summary>
    public static ReadOnlySpan<int> BucketEnds => [0, 7, 30];

    private static readonly OiCoefficients[] Fitted =
    [
        new(0.3306, 0.3319, 0.0311),
        new(0.1297, 0.5719, -0.0483),
        new(0.0319, 0.9909, -0.3293),
        new(0.0911, 0.9442, -0.3066),
    ];

    /// <summary>The coefficients of each bucket, in the order of <see cref="BucketEnds"/>.</summary>
    public static ReadOnlySpan<OiCoefficients> Buckets => Fitted;

    public static int Bucket(int daysToExpiry) => daysToExpiry <= 0 ? 0 : daysToExpiry <= 7 ? 1 : daysToExpiry <= 30 ? 2 : 3;

    public static OiCoefficients For(int daysToExpiry) => Buckets[Bucket(daysToExpiry)];
}
