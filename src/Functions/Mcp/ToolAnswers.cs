using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol.Protocol;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// How a tool call becomes an answer: the key check with the tool's plan (<see cref="ApiKeyGate"/>), the endpoint's
/// query, and its result as MCP content: the JSON body as text and as structured content, or, for a refusal or an
/// error, a tool error whose content is the API's error body with <c>http_status</c> (and <c>retry_after_seconds</c> on
/// a 429). Thread-safe.
/// </summary>
public sealed class ToolAnswers(ApiKeyGate gate)
{
    public async Task<CallToolResult> AnswerAsync(
        IHttpContextAccessor http,
        Plan plan,
        Func<CancellationToken, Task<QueryAnswer>> query,
        CancellationToken cancellationToken)
    {
        var decision = await AdmitAsync(http, new KeyRequirement(plan, Admin: false, Counted: true), cancellationToken);
        if (decision.Caller is null)
        {
            return Error(decision.Error!, decision.RetryAfterSeconds);
        }

        var answer = await query(cancellationToken);
        return answer.Result.Result switch
        {
            CachedJson { StatusCode: < 300 } json => Success(json.Body),
            CachedJson json => Error(json.Body, json.StatusCode, answer.RetryAfterSeconds),
            JsonHttpResult<ApiError> error => Error(error, answer.RetryAfterSeconds),
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}."),
        };
    }

    public async Task<CallToolResult> AccountAsync(IHttpContextAccessor http, CancellationToken cancellationToken)
    {
        var decision = await AdmitAsync(http, new KeyRequirement(Plan.Free, Admin: false, Counted: false), cancellationToken);
        if (decision.Caller is null)
        {
            return Error(decision.Error!, decision.RetryAfterSeconds);
        }

        var context = new DefaultHttpContext();
        decision.Caller.AttachTo(context);
        return Success(JsonSerializer.SerializeToUtf8Bytes(AccountApi.Get(context).Value!, ApiJsonContext.Default.AccountResponse));
    }

    private Task<KeyDecision> AdmitAsync(IHttpContextAccessor http, KeyRequirement requirement, CancellationToken cancellationToken)
    {
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("MCP tools run inside the /mcp request (stateless streamable HTTP).");
        return gate.AdmitAsync(ApiKeyGate.Presented(request), requirement, cancellationToken);
    }

    private static CallToolResult Success(byte[] body) => new()
    {
        Content = [new TextContentBlock { Text = Encoding.UTF8.GetString(body) }],
        StructuredContent = Element(body),
    };

    private static CallToolResult Error(JsonHttpResult<ApiError> error, long? retryAfter) =>
        Error(JsonSerializer.SerializeToUtf8Bytes(error.Value!, ApiJsonContext.Default.ApiError), error.StatusCode ?? 500, retryAfter);

    private static CallToolResult Error(byte[] body, int status, long? retryAfter)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node["http_status"] = status;
        if (retryAfter is { } seconds)
        {
            node["retry_after_seconds"] = seconds;
        }

        var text = node.ToJsonString();
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = Element(Encoding.UTF8.GetBytes(text)),
        };
    }

    private static JsonElement Element(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
