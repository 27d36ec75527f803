using System.Text.Json;
using System.Text.Json.Nodes;
using FlowFunctions.Functions.Api;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FlowFunctions.Functions.Mcp;

/// <summary>
/// The MCP tool of one query endpoint, made from its declaration (<see cref="ApiEndpoint.Tool"/>,
/// <see cref="ApiEndpoint.Parameters"/>): its input schema lists the parameters with their descriptions (whole numbers
/// as integers, the symbol required), and a call reads the arguments by the same rules as the HTTP route, then answers
/// with the endpoint's <see cref="EndpointQuery"/> after <see cref="ToolAnswers"/> admits the key with the endpoint's
/// plan. An argument sent as a number or as text is read the same way; a bad one is the API's 400 as a tool error.
/// </summary>
public sealed class EndpointMcpTool : McpServerTool
{
    private readonly ApiEndpoint _endpoint;
    private readonly IServiceProvider _services;

    public EndpointMcpTool(ApiEndpoint endpoint, IServiceProvider services)
    {
        var tool = endpoint.Tool ?? throw new ArgumentException($"{endpoint.Name} declares no MCP tool.", nameof(endpoint));
        _ = endpoint.Query ?? throw new ArgumentException($"{endpoint.Name} declares no query.", nameof(endpoint));
        _endpoint = endpoint;
        _services = services;
        ProtocolTool = new Tool
        {
            Name = tool.Name,
            Title = tool.Title,
            Description = tool.Description.Trim(),
            InputSchema = Schema(endpoint),
            Annotations = new ToolAnnotations { Title = tool.Title, ReadOnlyHint = true, OpenWorldHint = false, DestructiveHint = false, IdempotentHint = true },
        };
    }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata { get; } = [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var given = request.Params?.Arguments;
        var answers = _services.GetRequiredService<ToolAnswers>();
        var http = _services.GetRequiredService<IHttpContextAccessor>();
        return await answers.AnswerAsync(http, _endpoint.Plan, async ct =>
        {
            if (!QueryArguments.TryRead(_endpoint, p => p.InTool && given is not null && given.TryGetValue(p.Name, out var v) ? Text(v) : null, out var arguments, out var error))
            {
                return new QueryAnswer(error!);
            }

            return await _endpoint.Query!(arguments, _services, ct);
        }, cancellationToken);
    }

    /// <summary>JSON null is absent; a number or a string is its text; anything else is its JSON, which the parameter's rule then refuses.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    private static JsonElement Schema(ApiEndpoint endpoint)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in endpoint.Parameters.Where(p => p.InTool))
        {
            var property = new JsonObject { ["description"] = p.Documentation };
            switch (p.Kind)
            {
                case ParameterKind.WholeNumber:
                    property["type"] = "integer";
                    property["minimum"] = 1;
                    property["default"] = p.Default;
                    break;
                case ParameterKind.Date:
                    property["type"] = "string";
                    property["format"] = "date";
                    break;
                case ParameterKind.Instant:
                    property["type"] = "string";
                    property["format"] = "date-time";
                    break;
                default:
                    property["type"] = "string";
                    break;
            }

            properties[p.Name] = property;
            if (p.Required)
            {
                required.Add(p.Name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        using var document = JsonDocument.Parse(schema.ToJsonString());
        return document.RootElement.Clone();
    }
}
