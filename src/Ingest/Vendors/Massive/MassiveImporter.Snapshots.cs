using System.Text.Json;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors.Massive;

public sealed partial class MassiveImporter
{
    private readonly Dictionary<string, (long Ts, Fixed? Spot, List<VendorChainContract> Contracts)> _chains = new(StringComparer.Ordinal);

    /// <summary>
    /// A page (or pages) saved from Massive's option chain snapshot endpoint: an object with <c>results</c>, or an array
    /// of such objects. Each result gives <c>details.ticker</c>, <c>open_interest</c>, <c>implied_volatility</c>,
    /// <c>last_quote.bid</c>/<c>ask</c> and <c>underlying_asset</c>; the snapshot's time is the latest
    /// <c>last_updated</c> among its underlying and quotes, one time for all the pages of an underlying.
    /// </summary>
    private void ReadSnapshot(string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw new VendorFormatException($"{file}: line {(e.LineNumber ?? 0) + 1}: not JSON ({e.Message}).");
        }

        using (document)
        {
            var pages = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
            foreach (var page in pages)
            {
                if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                {
                    throw new VendorFormatException($"{file}: not a Massive chain snapshot (no \"results\" array).");
                }

                var index = 0;
                foreach (var result in results.EnumerateArray())
                {
                    Tally.Records++;
                    Contract(file, index++, result);
                }
            }
        }
    }

    private void Contract(string file, int index, JsonElement r)
    {
        var ticker = Text(r, "details", "ticker") ?? throw new VendorFormatException($"{file}: result {index} has no details.ticker.");
        if (!OccSymbol.TryParse(ticker, out var root, out _, out var error))
        {
            throw new VendorFormatException($"{file}: result {index}: \"{ticker}\" is not an options ticker ({error}).");
        }

        var underlying = Text(r, "underlying_asset", "ticker") is { Length: > 0 } named && !named.StartsWith("I:", StringComparison.Ordinal) ? named : root.ToString();
        if (!_filter.KeepsSymbol(underlying))
        {
            Tally.Skip("outside --from/--until/--symbols");
            return;
        }

        var ts = Math.Max(Number(r, "underlying_asset", "last_updated") ?? 0, Number(r, "last_quote", "last_updated") ?? 0);
        var contract = new VendorChainContract(
            ticker.StartsWith("O:", StringComparison.Ordinal) ? ticker[2..] : ticker,
            Number(r, "open_interest", null),
            r.TryGetProperty("implied_volatility", out var iv) && iv.ValueKind == JsonValueKind.Number && iv.GetDouble() > 0 ? iv.GetDouble() : null,
            Price(r, "last_quote", "bid"),
            Price(r, "last_quote", "ask"));
        var spot = Price(r, "underlying_asset", "price");
        if (!_chains.TryGetValue(underlying, out var chain))
        {
            _chains[underlying] = chain = (0, null, []);
        }

        chain.Contracts.Add(contract);
        _chains[underlying] = (Math.Max(chain.Ts, ts), spot ?? chain.Spot, chain.Contracts);
    }

    private void EmitChains()
    {
        foreach (var (underlying, chain) in _chains.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (chain.Ts == 0)
            {
                throw new VendorFormatException($"the chain snapshot of {underlying} carries no time (no last_updated in underlying_asset or last_quote), so it cannot be placed in the day.");
            }

            var contracts = chain.Contracts.OrderBy(c => c.Contract, StringComparer.Ordinal).ToList();
            for (var start = 0; start < contracts.Count; start += Databento.DatabentoImporter.ChainPart)
            {
                Emit(_writer.Chain(chain.Ts, underlying, chain.Spot, contracts, start, Math.Min(Databento.DatabentoImporter.ChainPart, contracts.Count - start)), underlying, chain.Ts);
            }
        }

        _chains.Clear();
    }

    private static string? Text(JsonElement r, string parent, string name) =>
        r.TryGetProperty(parent, out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement r, string parent, string? name)
    {
        var v = r;
        if (!r.TryGetProperty(parent, out v) || (name is not null && (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty(name, out v))))
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
    }

    private static Fixed? Price(JsonElement r, string parent, string name) =>
        r.TryGetProperty(parent, out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && Fixed.TryParse(v.GetRawText(), out var price) ? price : null;
}
