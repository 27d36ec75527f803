using System.Text.Json;

namespace FlowFunctions.Testing;

/// <summary>Checks the error body of docs/api.md "Errors": exactly status, error and message (plus the plan fields on 403).</summary>
public static class ErrorAssert
{
    public static async Task<string> IsAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("ERROR", body.GetProperty("status").GetString());
        Assert.Equal(code, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
        if (status == 403 && code == "tier_restricted")
        {
            JsonShape.HasExactly(body, "status", "error", "message", "current_plan", "required_plan");
        }
        else
        {
            JsonShape.HasExactly(body, "status", "error", "message");
        }

        return text;
    }
}
