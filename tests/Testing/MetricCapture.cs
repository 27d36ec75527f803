using System.Diagnostics.Metrics;

namespace FlowFunctions.Testing;

/// <summary>
/// Listens to one counter of the app's meters while it is alive and hands each measurement to a callback, with the
/// value of its <c>flowfunctions.reason</c> tag (empty when it has none). Measurements from other tests running at the
/// same time arrive too: assert on what this test caused, not on totals.
/// </summary>
public static class MetricCapture
{
    public static MeterListener Of(Counter<long> counter, Action<long, string> measured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, counter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        var gate = new Lock();
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == "flowfunctions.reason")
                {
                    reason = tag.Value as string ?? string.Empty;
                }
            }

            lock (gate)
            {
                measured(value, reason);
            }
        });
        listener.Start();
        return listener;
    }
}
