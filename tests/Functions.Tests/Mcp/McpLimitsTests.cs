using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowFunctions.Testing;

namespace FlowFunctions.Functions.Tests.Mcp;

/// <summary>
/// What a key can push at /mcp (docs/api.md "MCP server"): a message over the body bound is 413 before more of it is
/// read, chunked or not, and a key's messages per minute are bounded (429 with Retry-After).
/// </summary>
public sealed class McpLimitsTests
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

    [Fact]
    public async Task AMessageOverTheBoundIs413WithOrWithoutALength()
    {
        using var app = new FlowApiFactory(new Dictionary<string, string?> { ["Mcp:MaxBodyBytes"] = "65536" });
        using var client = app.ClientWithKey(Keys.Free);
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"account\",\"arguments\":{\"pad\":\"" + new string('x', 1_000_000) + "\"}}}";
        await ErrorAssert.IsAsync(await client.SendAsync(Message(big, chunked: false)), 413, "payload_too_large");
        await ErrorAssert.IsAsync(await client.SendAsync(Message(big, chunked: true)), 413, "payload_too_large");

        using var small = await client.SendAsync(Message(ToolsList, chunked: true));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task AKeysMessagesPerMinuteAreBounded()
    {
        using var app = new FlowApiFactory(new Dictionary<string, string?> { ["Mcp:MessagesPerMinute"] = "5" });
        using var client = app.ClientWithKey(Keys.Free);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.SendAsync(Message(ToolsList, chunked: false));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await client.SendAsync(Message(ToolsList, chunked: false));
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        await ErrorAssert.IsAsync(limited, 429, "rate_limited");

        // Another key has its own allowance.
        using var other = app.ClientWithKey(Keys.Basic);
        using var fine = await other.SendAsync(Message(ToolsList, chunked: false));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    private static HttpRequestMessage Message(string json, bool chunked)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp");
        if (chunked)
        {
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }
}
