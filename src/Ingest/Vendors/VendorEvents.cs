using System.Buffers;
using System.Text.Json;
using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors;

/// <summary>A vendor file that cannot be read, with the file and where in it (a byte offset or a line).</summary>
public sealed class VendorFormatException(string message) : Exception(message);

/// <summary>Where a vendor reader's events go: each is one event of docs/api.md "Events" as UTF-8 JSON.</summary>
public interface IVendorEventSink
{
    /// <param name="json">The event; valid only during the call.</param>
    /// <param name="underlying">Its underlying (the Event Hubs partition key).</param>
    /// <param name="timestampNanos">Its <c>ts</c>, nanoseconds since 1970 UTC.</param>
    void Event(ReadOnlySpan<byte> json, string underlying, long timestampNanos);
}

/// <summary>
/// Which events an import keeps (flowctl import's <c>--from</c>, <c>--to</c>, <c>--symbols</c>): event time in
/// [From, To), and underlyings in the set (all when empty).
/// </summary>
public sealed record VendorFilter(long FromNanos = long.MinValue, long ToNanos = long.MaxValue, IReadOnlySet<string>? Symbols = null)
{
    public static VendorFilter All { get; } = new();

    public bool Keeps(string underlying, long timestampNanos) =>
        timestampNanos >= FromNanos && timestampNanos < ToNanos && (Symbols is null || Symbols.Count == 0 || Symbols.Contains(underlying));

    public bool KeepsSymbol(string underlying) => Symbols is null || Symbols.Count == 0 || Symbols.Contains(underlying);
}

/// <summary>What an import read, wrote and skipped (by reason, every one counted).</summary>
public sealed class VendorTally
{
    private readonly Dictionary<string, long> _skipped = new(StringComparer.Ordinal);

    public long Records { get; set; }

    public long Events { get; set; }

    public IReadOnlyDictionary<string, long> Skipped => _skipped;

    public void Skip(string reason, long count = 1) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + count;
}

/// <summary>
/// Writes the app's events (docs/api.md "Events") from vendor fields: timestamps from nanoseconds with nine fractional
/// digits, prices from fixed-point integers exactly, absent numbers left out. One instance per reader (not thread-safe).
/// </summary>
public sealed class VendorEventWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public VendorEventWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public void Dispose() => _json.Dispose();

    /// <summary>A trade. <paramref name="bid"/>/<paramref name="ask"/> are null where the record has no quote.</summary>
    public ReadOnlySpan<byte> Trade(long tsNanos, string underlying, string contract, Fixed price, long size, Fixed? bid, Fixed? ask, SideHint side, TradeConditions conditions, ReadOnlySpan<byte> id, Fixed? spot = null)
    {
        Start("trade"u8, tsNanos, underlying);
        _json.WriteString("contract"u8, contract);
        WriteFixed("price"u8, price);
        _json.WriteNumber("size"u8, size);
        if (bid is { } b)
        {
            WriteFixed("bid"u8, b);
        }

        if (ask is { } a)
        {
            WriteFixed("ask"u8, a);
        }

        if (spot is { } underlyingPrice)
        {
            WriteFixed("spot"u8, underlyingPrice);
        }

        if (side != SideHint.None)
        {
            _json.WriteString("side"u8, side == SideHint.Buy ? "buy"u8 : side == SideHint.Sell ? "sell"u8 : "mid"u8);
        }

        if (conditions != TradeConditions.None)
        {
            _json.WriteStartArray("conditions"u8);
            foreach (var flag in Enum.GetValues<TradeConditions>())
            {
                if (flag != TradeConditions.None && conditions.HasFlag(flag))
                {
                    _json.WriteStringValue(TradeConditionNames.Name(flag));
                }
            }

            _json.WriteEndArray();
        }

        _json.WriteString("id"u8, id);
        return End();
    }

    /// <summary>A cancel of the print with <paramref name="id"/> (its own <c>ts</c> and contract).</summary>
    public ReadOnlySpan<byte> Cancel(long tsNanos, string underlying, string contract, ReadOnlySpan<byte> id)
    {
        Start("cancel"u8, tsNanos, underlying);
        _json.WriteString("contract"u8, contract);
        _json.WriteString("id"u8, id);
        return End();
    }

    public ReadOnlySpan<byte> Spot(long tsNanos, string underlying, Fixed price)
    {
        Start("spot"u8, tsNanos, underlying);
        WriteFixed("price"u8, price);
        return End();
    }

    /// <summary>One part of a chain snapshot: the contracts [start, start + count) of <paramref name="contracts"/>.</summary>
    public ReadOnlySpan<byte> Chain(long tsNanos, string underlying, Fixed? spot, IReadOnlyList<VendorChainContract> contracts, int start, int count)
    {
        Start("chain"u8, tsNanos, underlying);
        if (spot is { } s)
        {
            WriteFixed("spot"u8, s);
        }

        _json.WriteStartArray("contracts"u8);
        for (var i = start; i < start + count; i++)
        {
            var c = contracts[i];
            _json.WriteStartObject();
            _json.WriteString("contract"u8, c.Contract);
            if (c.OpenInterest is { } oi)
            {
                _json.WriteNumber("oi"u8, oi);
            }

            if (c.Iv is { } iv)
            {
                _json.WriteNumber("iv"u8, iv);
            }

            if (c.Bid is { } bid)
            {
                WriteFixed("bid"u8, bid);
            }

            if (c.Ask is { } ask)
            {
                WriteFixed("ask"u8, ask);
            }

            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        return End();
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffffffffZ</c>: the exchange's time to the nanosecond.</summary>
    public static string Timestamp(long nanos)
    {
        Span<byte> text = stackalloc byte[30];
        return System.Text.Encoding.ASCII.GetString(text[..FormatTimestamp(nanos, text)]);
    }

    private static int FormatTimestamp(long nanos, Span<byte> text)
    {
        var seconds = Math.DivRem(nanos, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000L;
        }

        var utc = DateTime.UnixEpoch.AddSeconds(seconds);
        utc.TryFormat(text, out var written, "yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        text[written++] = (byte)'.';
        for (var i = 8; i >= 0; i--)
        {
            text[written + i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        written += 9;
        text[written++] = (byte)'Z';
        return written;
    }

    private void Start(ReadOnlySpan<byte> type, long tsNanos, string underlying)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("type"u8, type);
        Span<byte> ts = stackalloc byte[30];
        _json.WriteString("ts"u8, ts[..FormatTimestamp(tsNanos, ts)]);
        _json.WriteString("underlying"u8, underlying);
    }

    private ReadOnlySpan<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan;
    }

    private void WriteFixed(ReadOnlySpan<byte> name, Fixed value)
    {
        Span<byte> digits = stackalloc byte[32];
        _json.WritePropertyName(name);
        _json.WriteRawValue(digits[..value.Format(digits)], skipInputValidation: true);
    }
}

/// <summary>One contract of a chain snapshot as a vendor gives it; absent figures are null.</summary>
public sealed record VendorChainContract(string Contract, long? OpenInterest, double? Iv = null, Fixed? Bid = null, Fixed? Ask = null);

/// <summary>
/// A fixed-point decimal as vendors send prices: <see cref="Units"/> × 10^-<see cref="Scale"/> (Databento's prices are
/// scale 9). Written exactly, without trailing zeros, never through a double.
/// </summary>
public readonly record struct Fixed(long Units, int Scale)
{
    public double Value => Units / Math.Pow(10, Scale);

    /// <summary>Decimal text (<c>6.87</c>, <c>41.5</c>, <c>0</c>; up to nine decimals, no sign or exponent) exactly.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Fixed value)
    {
        value = default;
        text = text.Trim();
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..].TrimEnd('0');
        if (whole.IsEmpty || whole.Length > 12 || fraction.Length > 9)
        {
            return false;
        }

        var units = 0L;
        foreach (var digit in whole)
        {
            if (digit is < '0' or > '9')
            {
                return false;
            }

            units = (units * 10) + (digit - '0');
        }

        foreach (var digit in fraction)
        {
            if (digit is < '0' or > '9')
            {
                return false;
            }

            units = (units * 10) + (digit - '0');
        }

        value = new Fixed(units, fraction.Length);
        return true;
    }

    /// <summary>The decimal text into <paramref name="destination"/> (32 bytes is always enough); returns its length.</summary>
    public int Format(Span<byte> destination)
    {
        var units = Units;
        var scale = Scale;
        while (scale > 0 && units % 10 == 0)
        {
            units /= 10;
            scale--;
        }

        var negative = units < 0;
        var magnitude = negative ? (ulong)-(units + 1) + 1 : (ulong)units;
        Span<byte> reversed = stackalloc byte[24];
        var n = 0;
        do
        {
            reversed[n++] = (byte)('0' + (int)(magnitude % 10));
            magnitude /= 10;
        }
        while (magnitude > 0 || n <= scale);

        var w = 0;
        if (negative)
        {
            destination[w++] = (byte)'-';
        }

        for (var i = n - 1; i >= 0; i--)
        {
            destination[w++] = reversed[i];
            if (i == scale && scale > 0)
            {
                destination[w++] = (byte)'.';
            }
        }

        return w;
    }
}
