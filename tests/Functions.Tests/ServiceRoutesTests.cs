using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowFunctions.Analytics.Aggregates;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Analytics.Exposure;
using FlowFunctions.Storage;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowFunctions.Functions.Tests;

public sealed class ServiceRoutesTests : IDisposable
{
    private readonly FlowApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task HealthAnswersOkWithoutAKey()
    {
        using var client = _factory.CreateClient();
        var body = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal(("OK", "standalone", "memory", false),
            (body.GetProperty("status").GetString(), body.GetProperty("mode").GetString(), body.GetProperty("storage").GetString(), body.GetProperty("market_replay").GetBoolean()));
    }

    [Fact]
    public async Task StartupProbeAtRootAnswers()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/", null)]
    [InlineData("/health", null)]
    [InlineData("/v1/openapi.json", null)]
    [InlineData("/v1/account", Keys.Free)]
    [InlineData("/v1/flow/options/SPY/cumulative?minutes=60", Keys.Alpha)]
    [InlineData("/v1/flow/summary/SPY", Keys.Free)]
    public async Task HeadAnswersWhatGetAnswersAsTheFunctionJsonFilesPromise(string path, string? key)
    {
        using var client = key is null ? _factory.CreateClient() : _factory.ClientWithKey(key);
        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.Contains("X-RateLimit-Limit"), head.Headers.Contains("X-RateLimit-Limit"));
    }

    [Theory]
    [InlineData("GET", "/v1/nothing-here", 404, "not_found")]
    [InlineData("GET", "/v1/flow/options", 404, "not_found")]
    [InlineData("DELETE", "/v1/flow/summary/SPY", 405, "method_not_allowed")]
    [InlineData("GET", "/v1/ingest/events", 405, "method_not_allowed")]
    public async Task UnmatchedRequestsGetTheErrorBody(string method, string path, int status, string code)
    {
        using var client = _factory.ClientWithKey(Keys.Alpha);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ErrorAssert.IsAsync(response, status, code);
    }

    [Fact]
    public async Task AnUnreachableStoreIs502UpstreamUnavailable()
    {
        using var factory = WithFlowStore(new FailingFlowStore(new StoreException(StoreFailure.Unavailable, "connection refused", 0, "ConnectionRefused")));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys.Alpha);
        foreach (var path in new[] { "/v1/flow/options/SPY/cumulative", "/v1/flow/summary/SPY", "/v1/flow/zero-dte/strike-flow/SPY" })
        {
            using var response = await client.GetAsync(path);
            await ErrorAssert.IsAsync(response, 502, "upstream_unavailable");
        }
    }

    [Fact]
    public async Task ABugIs500WithoutAStackTrace()
    {
        using var factory = WithFlowStore(new FailingFlowStore(new InvalidOperationException("secret internals at Foo.Bar()")));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys.Alpha);
        using var response = await client.GetAsync("/v1/flow/options/SPY/cumulative");
        var body = await ErrorAssert.IsAsync(response, 500, "internal_error");
        Assert.DoesNotContain("Foo.Bar", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithFlowStore(IFlowStore store) =>
        _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.RemoveAll<IFlowStore>();
            s.AddSingleton(store);
        }));

    private sealed class FailingFlowStore(Exception failure) : IFlowStore
    {
        public Task<CommitResult> CommitAsync(FlowCommit commit, CancellationToken cancellationToken) => throw failure;

        public Task<IngestReceipt?> FindReceiptAsync(string batchId, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlySet<PrintKey>> FindCountedPrintsAsync(IReadOnlyCollection<PrintKey> prints, string batchId, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyList<KeyValuePair<long, FlowTally>>> ReadMinutesAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyList<KeyValuePair<string, FlowTally>>> ReadWindowTotalsAsync(long firstMinute, long lastMinute, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyList<KeyValuePair<(long Minute, int StrikeMilli), StrikeMinuteFlow>>> ReadZeroDteAsync(string symbol, long firstMinute, long lastMinute, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyDictionary<OptionKey, ContractDayFlow>> ReadContractsAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken) => throw failure;

        public Task<SymbolChain?> ReadChainAsync(string symbol, DateOnly tradingDate, CancellationToken cancellationToken) => throw failure;

        public Task<SpotMark?> ReadSpotAsync(string symbol, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyDictionary<string, SpotMark>> ReadSpotsAsync(CancellationToken cancellationToken) => throw failure;

        public Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw failure;
    }
}
