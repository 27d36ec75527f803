using System.Text.Json.Nodes;
using FlowFunctions.Analytics.Pricing;
using FlowFunctions.Analytics.Simulation;
using FlowFunctions.Functions.Tests.Azure;
using FlowFunctions.Ingest;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowFunctions.Functions.Tests.Storage;

/// <summary>
/// A new instance (a restart, a scale-out, a partition moved) restores the market state from storage before it folds
/// its first batch, so prints without <c>spot</c> or <c>iv</c> are valued as the instance that folded the earlier
/// batches would value them: every figure equals one warm pass.
/// </summary>
public abstract class MarketRestoreContract
{
    private static readonly DateTimeOffset Now = SimulatedDays.Open.AddMinutes(30);

    protected abstract IFlowStore CreateStore();

    [Fact]
    public async Task AColdInstanceFoldsABatchExactlyAsAWarmOne()
    {
        // Chains at the open, then 30 minutes of prints; after the first third, prints carry neither spot nor iv, so
        // their greeks come from the last spot and the chain's implied volatility.
        var payloads = SimulatedDays.Payloads(SimulatedDays.Morning(8, 30), 200);
        var handover = payloads.Count / 3;
        for (var i = handover; i < payloads.Count; i++)
        {
            payloads[i] = WithoutSpotOrIv(payloads[i]);
        }

        var symbols = new MarketSimulator(new SimulatorOptions { UniverseSize = 8 }, SimulatedDays.Friday).Universe.Select(u => u.Symbol).ToArray();
        var warm = CreateStore();
        using (var pipeline = Pipeline(warm))
        {
            for (var i = 0; i < payloads.Count; i++)
            {
                await pipeline.IngestAsync(payloads[i], $"b{i}", "eh-0", default);
            }
        }

        var cold = CreateStore();
        using (var first = Pipeline(cold))
        {
            for (var i = 0; i < handover; i++)
            {
                await first.IngestAsync(payloads[i], $"b{i}", "eh-0", default);
            }
        }

        using (var second = Pipeline(cold)) // a new instance: nothing in memory
        {
            for (var i = handover; i < payloads.Count; i++)
            {
                await second.IngestAsync(payloads[i], $"b{i}", "eh-0", default);
            }
        }

        Assert.Equal(await StoreFigures.FiguresAsync(warm, symbols, Now), await StoreFigures.FiguresAsync(cold, symbols, Now));
    }

    private static IngestPipeline Pipeline(IFlowStore store) =>
        new(store, new MemoryDeadLetterStore(), new ManualTimeProvider(Now), PricingParameters.Default, NullLogger<IngestPipeline>.Instance);

    private static byte[] WithoutSpotOrIv(byte[] payload)
    {
        var events = JsonNode.Parse(payload)!.AsArray();
        foreach (var e in events.Select(e => e!.AsObject()).Where(e => (string?)e["type"] == "trade"))
        {
            e.Remove("spot");
            e.Remove("iv");
        }

        return System.Text.Encoding.UTF8.GetBytes(events.ToJsonString());
    }
}

public sealed class MemoryMarketRestoreTests : MarketRestoreContract
{
    protected override IFlowStore CreateStore() => new MemoryFlowStore();
}

[Collection(AzuriteFixture.Collection)]
public sealed class AzureMarketRestoreTests(AzuriteFixture azurite) : MarketRestoreContract
{
    protected override IFlowStore CreateStore() => AzureTestClients.FlowStore(azurite);
}
