using System.Text.Json;

namespace FlowFunctions.Testing;

/// <summary>Helpers to compare a response's JSON shape with a seed page's example.</summary>
public static class JsonShape
{
    public static string[] Fields(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    public static void HasExactly(JsonElement obj, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal).ToArray(), Fields(obj));

    /// <summary>A timestamp as the seed pages write them: UTC with a trailing Z.</summary>
    public static void IsUtc(JsonElement value)
    {
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        var s = value.GetString()!;
        Assert.EndsWith("Z", s);
        Assert.True(DateTimeOffset.TryParse(s, out _), s);
    }
}
