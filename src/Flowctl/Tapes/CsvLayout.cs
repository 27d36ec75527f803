using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace FlowFunctions.Flowctl.Tapes;

/// <summary>
/// CSV of trade prints, as vendors lay them out (README, "CSV tapes"). The header names the columns, in any order and
/// case; each field has the aliases below. A contract is either an OCC symbol column (<c>contract</c>, <c>occ</c>,
/// <c>option_symbol</c>, or <c>symbol</c> holding one) or <c>expiry</c> + <c>strike</c> + <c>right</c> columns;
/// <c>side</c>, quotes, spot, IV, exchange, conditions and id are optional. A record is a cancel of the print it
/// repeats (docs/api.md "Events": its ts, contract and id) when its <c>type</c> column says <c>cancel</c> (or
/// <c>cancelled</c>, <c>canceled</c>, <c>bust</c>, <c>x</c>) or its <c>cancel</c> column says <c>true</c>, <c>1</c>,
/// <c>y</c> or <c>yes</c>; otherwise it is a trade. Timestamps are ISO 8601 with an offset or
/// Unix epoch numbers (seconds, milliseconds, microseconds or nanoseconds, told by their size). Fields are
/// comma-separated, quoted with <c>"</c> when they hold commas; a record is one line.
/// </summary>
public sealed class CsvLayout
{
    private static readonly (string Field, string[] Aliases)[] Fields =
    [
        ("ts", ["ts", "timestamp", "time", "datetime", "trade_time", "sip_timestamp", "participant_timestamp"]),
        ("underlying", ["underlying", "underlying_symbol", "root", "ticker", "underlier"]),
        ("contract", ["contract", "occ", "occ_symbol", "option_symbol", "option", "symbol"]),
        ("expiry", ["expiry", "expiration", "expiration_date", "exp", "expire_date"]),
        ("strike", ["strike", "strike_price"]),
        ("right", ["right", "put_call", "call_put", "cp", "option_type", "pc"]),
        ("price", ["price", "trade_price", "last"]),
        ("size", ["size", "quantity", "qty", "contracts", "volume"]),
        ("side", ["side", "aggressor", "aggressor_side"]),
        ("bid", ["bid", "bid_price"]),
        ("ask", ["ask", "ask_price", "offer"]),
        ("spot", ["spot", "underlying_price", "stock_price", "spot_price"]),
        ("iv", ["iv", "implied_volatility", "impl_vol"]),
        ("exchange", ["exchange", "venue", "exch"]),
        ("conditions", ["conditions", "condition", "conds"]),
        ("id", ["id", "trade_id", "sequence_number", "seq"]),
        ("type", ["type", "record_type", "event_type", "message_type", "msg_type"]),
        ("cancel", ["cancel", "cancelled", "canceled", "is_cancel", "is_cancelled", "cancel_flag"]),
    ];

    private static readonly HashSet<string> CancelTypes = new(["cancel", "cancelled", "canceled", "bust", "x"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> Yes = new(["true", "1", "y", "yes"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> Numbers = ["strike", "price", "size", "bid", "ask", "spot", "iv"];

    private static readonly string[] AlwaysRequired = ["ts", "price", "size"];

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    private readonly (string Field, int Column)[] _columns;

    private CsvLayout((string Field, int Column)[] columns) => _columns = columns;

    /// <summary>Reads the header; <see cref="FlowctlException"/> when a required column is missing.</summary>
    public static CsvLayout FromHeader(string header)
    {
        var names = Split(header).Select(n => n.Trim().Trim('\uFEFF').ToLowerInvariant()).ToList();
        var columns = new List<(string, int)>();
        foreach (var (field, aliases) in Fields)
        {
            var column = aliases.Select(a => names.IndexOf(a)).FirstOrDefault(i => i >= 0, -1);
            if (column >= 0 && !columns.Any(c => c.Item2 == column))
            {
                columns.Add((field, column));
            }
        }

        bool Has(string f) => columns.Any(c => c.Item1 == f);
        var missing = AlwaysRequired.Where(f => !Has(f)).ToList();
        if (!Has("contract") && !(Has("expiry") && Has("strike") && Has("right")))
        {
            missing.Add("contract (or expiry, strike and right)");
        }

        if (!Has("underlying") && !Has("contract"))
        {
            missing.Add("underlying");
        }

        return missing.Count == 0
            ? new CsvLayout([.. columns])
            : throw new FlowctlException($"The CSV header lacks {string.Join(", ", missing)}. It has: {header}");
    }

    /// <summary>One record as a trade event in JSON (docs/api.md "Events"), or why it cannot be one.</summary>
    public (byte[]? Json, string? Error) ToJson(string line)
    {
        var values = Split(line);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (_columns.Any(c => c.Column >= values.Count))
            {
                return (null, $"the record has {values.Count} fields; the header has more");
            }

            w.WriteStartObject();
            w.WriteString("type", IsCancel(values) ? "cancel" : "trade");
            string? underlying = null;
            foreach (var (field, column) in _columns)
            {
                var value = values[column].Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                switch (field)
                {
                    case "type" or "cancel":
                        break;
                    case "ts":
                        if (Timestamp(value) is not { } ts)
                        {
                            return (null, $"ts \"{Short(value)}\" is neither ISO 8601 with an offset nor a Unix epoch number");
                        }

                        w.WriteString("ts", ts.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
                        break;
                    case "contract" when value.Length <= 12 && !value.StartsWith("O:", StringComparison.Ordinal):
                        // A "symbol" column holding the underlying rather than an OCC symbol.
                        underlying ??= value;
                        break;
                    case "underlying":
                        underlying = value;
                        break;
                    case "conditions":
                        w.WriteStartArray("conditions");
                        foreach (var c in value.Split([';', '|', ' '], StringSplitOptions.RemoveEmptyEntries))
                        {
                            w.WriteStringValue(c);
                        }

                        w.WriteEndArray();
                        break;
                    case var number when Numbers.Contains(number) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                        w.WriteNumber(field, d);
                        break;
                    default:
                        // Text, or a number that does not parse: the event parser says what is wrong with it.
                        w.WriteString(field, value);
                        break;
                }
            }

            if (underlying is not null)
            {
                w.WriteString("underlying", underlying);
            }
            else if (_columns.Any(c => c.Field == "contract") && values.ElementAtOrDefault(_columns.First(c => c.Field == "contract").Column)?.Trim() is { Length: > 0 } occ)
            {
                // Only an OCC symbol: its root is the underlying.
                var root = occ.StartsWith("O:", StringComparison.Ordinal) ? occ[2..] : occ;
                var digit = root.AsSpan().IndexOfAny(Digits);
                w.WriteString("underlying", (digit > 0 ? root[..digit] : root).Trim());
            }

            w.WriteEndObject();
        }

        return (buffer.WrittenSpan.ToArray(), null);
    }

    private bool IsCancel(List<string> values) => _columns.Any(c =>
        (c.Field == "type" && CancelTypes.Contains(values[c.Column].Trim()))
        || (c.Field == "cancel" && Yes.Contains(values[c.Column].Trim())));

    /// <summary>ISO 8601 with an offset, or epoch seconds/ms/µs/ns by magnitude.</summary>
    private static DateTimeOffset? Timestamp(string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return value.Length switch
            {
                >= 18 => DateTimeOffset.UnixEpoch.AddTicks(epoch / 100),
                >= 15 => DateTimeOffset.UnixEpoch.AddTicks(epoch * 10),
                >= 12 => DateTimeOffset.FromUnixTimeMilliseconds(epoch),
                _ => DateTimeOffset.FromUnixTimeSeconds(epoch),
            };
        }

        var hasOffset = value.EndsWith('Z') || value.EndsWith('z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var ts) ? ts : null;
    }

    /// <summary>The fields of one CSV record: commas separate, double quotes quote, two double quotes are one.</summary>
    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static string Short(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
