namespace FlowFunctions.Testing;

/// <summary>Events (docs/api.md "Events") as anonymous objects, serialized with the property names of the contract.</summary>
public static class TestEvents
{
    public static object Trade(
        DateTimeOffset ts,
        string underlying,
        string expiry,
        double strike,
        string right,
        double price,
        int size,
        double? bid = null,
        double? ask = null,
        double? spot = null,
        double? iv = null,
        string? side = null) =>
        new Dictionary<string, object?>
        {
            ["type"] = "trade",
            ["ts"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            ["underlying"] = underlying,
            ["expiry"] = expiry,
            ["strike"] = strike,
            ["right"] = right,
            ["price"] = price,
            ["size"] = size,
            ["bid"] = bid,
            ["ask"] = ask,
            ["spot"] = spot,
            ["iv"] = iv,
            ["side"] = side,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    public static object Spot(DateTimeOffset ts, string underlying, double price) => new Dictionary<string, object?>
    {
        ["type"] = "spot",
        ["ts"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["underlying"] = underlying,
        ["price"] = price,
    };

    public static object Chain(DateTimeOffset ts, string underlying, double spot, params object[] contracts) => new Dictionary<string, object?>
    {
        ["type"] = "chain",
        ["ts"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["underlying"] = underlying,
        ["spot"] = spot,
        ["contracts"] = contracts,
    };

    public static object Contract(string expiry, double strike, string right, long oi, double iv, double bid, double ask) => new Dictionary<string, object?>
    {
        ["expiry"] = expiry,
        ["strike"] = strike,
        ["right"] = right,
        ["oi"] = oi,
        ["iv"] = iv,
        ["bid"] = bid,
        ["ask"] = ask,
    };
}
