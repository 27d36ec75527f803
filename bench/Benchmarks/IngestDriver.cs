using System.Diagnostics;
using System.Net.Http.Headers;

namespace FlowFunctions.Benchmarks;

/// <summary>What one pass of deliveries took.</summary>
public sealed record IngestRun(int Prints, int Batches, TimeSpan Elapsed, IReadOnlyList<double> BatchMs)
{
    public double PrintsPerSecond => Prints / Elapsed.TotalSeconds;
}

/// <summary>
/// Posts Event Hubs invocations to <c>POST /IngestEvents</c> the way the host does: each partition's batches in order,
/// one outstanding per partition, partitions in parallel. The bodies are built before the clock starts.
/// </summary>
public static class IngestDriver
{
    public static async Task<IngestRun> RunAsync(HttpClient http, IReadOnlyList<IReadOnlyList<(byte[] Body, int Prints)>> partitions)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(partitions.Select(async batches =>
        {
            foreach (var (body, _) in batches)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/IngestEvents", content);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"IngestEvents answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        }));
        clock.Stop();
        latencies.Sort();
        return new IngestRun(partitions.Sum(p => p.Sum(b => b.Prints)), partitions.Sum(p => p.Count), clock.Elapsed, latencies);
    }
}
