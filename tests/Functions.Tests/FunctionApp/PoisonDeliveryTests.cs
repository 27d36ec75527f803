using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Storage;
using FlowFunctions.Storage.Memory;
using FlowFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>
/// Poison set aside, never looped (docs/reliability.md, "Poison set aside"): an Event Hubs delivery that fails on
/// anything but storage is retried a bounded number of times, then stored whole as a dead letter and answered 200, so
/// the partition goes on; a storage failure keeps answering 503 however often it comes.
/// </summary>
public sealed class PoisonDeliveryTests
{
    [Fact]
    public async Task ADeliveryThatKeepsFailingIsSetAsideWholeAfterItsAttemptsAndThePartitionGoesOn()
    {
        using var app = HostProtocolTests.FunctionApp();
        using var client = app.CreateClient();
        var store = (MemoryFlowStore)app.Services.GetRequiredService<IFlowStore>();
        store.AfterCommitStep = _ => throw new InvalidOperationException("a bug that no redelivery fixes");

        var poison = HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 20), 100);
        for (var attempt = 1; attempt < DeliveryFailures.MaxAttempts; attempt++)
        {
            using var failed = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, poison));
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Contains($"Attempt {attempt} of {DeliveryFailures.MaxAttempts}", (await HostPayloads.AnswerLogsAsync(failed))[0], StringComparison.Ordinal);
        }

        using var setAside = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, poison));
        Assert.Equal(HttpStatusCode.OK, setAside.StatusCode);
        Assert.Contains("Dead-lettered whole", (await HostPayloads.AnswerLogsAsync(setAside))[0], StringComparison.Ordinal);
        var letter = Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default));
        Assert.Contains("failed 5 times, last with InvalidOperationException", letter.Events[0].Reason, StringComparison.Ordinal);

        // The next delivery of the partition is folded.
        store.AfterCommitStep = null;
        using var next = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(HostProtocolTests.TradeMessages(20, 10), 120)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        using var alpha = app.ClientWithKey(Keys.Alpha);
        var cumulative = await alpha.GetFromJsonAsync<JsonElement>("/v1/flow/options/SPY/cumulative?minutes=390");
        Assert.Equal(10, cumulative.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("tradeCount").GetInt32()));
    }

    [Fact]
    public async Task TheHostsRetryCountIsTheAttemptWhenItSaysSo()
    {
        // A new instance took the partition over: it has counted no failures, but the host's RetryContext has.
        using var app = HostProtocolTests.FunctionApp();
        using var client = app.CreateClient();
        ((MemoryFlowStore)app.Services.GetRequiredService<IFlowStore>()).AfterCommitStep = _ => throw new InvalidDataException("a cell this build cannot read");
        var body = HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 5), 0, retryCount: DeliveryFailures.MaxAttempts - 1);
        using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default));
    }

    [Fact]
    public async Task AStorageFailureIsNeverSetAside()
    {
        using var app = HostProtocolTests.FunctionApp();
        using var client = app.CreateClient();
        var store = (MemoryFlowStore)app.Services.GetRequiredService<IFlowStore>();
        store.AfterCommitStep = _ => throw new StoreException("storage is down");
        var body = HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 5), 0);
        for (var attempt = 1; attempt <= DeliveryFailures.MaxAttempts + 2; attempt++)
        {
            using var response = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, HostPayloads.EventHub(HostProtocolTests.TradeMessages(0, 5), 0, retryCount: attempt - 1)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Empty(await app.Services.GetRequiredService<IDeadLetterStore>().ListRecentAsync(10, default));
        store.AfterCommitStep = null;
        using var recovered = await client.SendAsync(HostPayloads.Invocation(FunctionNames.IngestEvents, body));
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }
}
