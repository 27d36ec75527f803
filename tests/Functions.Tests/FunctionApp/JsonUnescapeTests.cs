using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FlowFunctions.Functions.Triggers;

namespace FlowFunctions.Functions.Tests.FunctionApp;

/// <summary>The trigger's unescaping of a host-sent message gives exactly the UTF-8 of <see cref="JsonElement.GetString"/>.</summary>
public sealed class JsonUnescapeTests
{
    // Escapes as few characters as JSON allows, so the raw bytes hold UTF-8 and only the required escapes.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("{\"type\":\"trade\",\"underlying\":\"SPY\"}")]
    [InlineData("tab\t newline\n cr\r backspace\b formfeed\f slash/ backslash\\ quote\"")]
    [InlineData("é ü € 日本 𝄞 and a control \u0001")]
    public void GivesWhatGetStringGives(string value)
    {
        foreach (var json in new[] { JsonSerializer.Serialize(value), JsonSerializer.Serialize(value, Relaxed) })
        {
            using var doc = JsonDocument.Parse(json);
            var raw = JsonMarshal.GetRawUtf8Value(doc.RootElement);
            var buffer = new byte[raw.Length];
            var written = JsonUnescape.CopyValue(raw, buffer);
            Assert.Equal(Encoding.UTF8.GetBytes(doc.RootElement.GetString()!), buffer[..written]);
        }
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\udc00b\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    public void ALoneSurrogateThrowsAsGetStringDoes(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<InvalidOperationException>(() => doc.RootElement.GetString());
        Assert.Throws<InvalidOperationException>(() => JsonUnescape.CopyValue(JsonMarshal.GetRawUtf8Value(doc.RootElement), new byte[64]));
    }
}
