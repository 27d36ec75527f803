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
    private byte[] _raw = new byte[1024];
    private long _second = long.MinValue;
    private readonly byte[] _secondText = new byte[20];

    public VendorEventWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public void Dispose() => _json.Dispose();

    /// <summary>
    /// A trade, written straight as bytes (the import's hot path): the contract's names come pre-encoded, the time's
    /// date and second are reused while they last. <paramref name="bid"/>/<paramref name="ask"/> are null where the
    /// record has no quote. <paramref name="id"/> must be printable ASCII without quotes or backslashes (the importers'
    /// ids are hex).
    /// </summary>
    public ReadOnlySpan<byte> Trade(long tsNanos, VendorContract contract, Fixed price, long size, Fixed? bid, Fixed? ask, SideHint side, TradeConditions conditions, ReadOnlySpan<byte> id, Fixed? spot = null)
    {
        if (_raw.Length < contract.Names.Length + 512)
        {
            _raw = new byte[contract.Names.Length + 1024];
        }

        var w = 0;
        Put("{\"type\":\"trade\",\"ts\":\""u8, ref w);
        w += TimestampCached(tsNanos, _raw.AsSpan(w));
        _raw[w++] = (byte)'"';
        Put(contract.Names, ref w);
        Put(",\"price\":"u8, ref w);
        w += price.Format(_raw.AsSpan(w));
        Put(",\"size\":"u8, ref w);
        size.TryFormat(_raw.AsSpan(w), out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        w += digits;
        if (bid is { } b)
        {
            Put(",\"bid\":"u8, ref w);
            w += b.Format(_raw.AsSpan(w));
        }

        if (ask is { } a)
        {
            Put(",\"ask\":"u8, ref w);
            w += a.Format(_raw.AsSpan(w));
        }

        if (spot is { } underlyingPrice)
        {
            Put(",\"spot\":"u8, ref w);
            w += underlyingPrice.Format(_raw.AsSpan(w));
        }

        if (side != SideHint.None)
        {
            Put(side == SideHint.Buy ? ",\"side\":\"buy\""u8 : side == SideHint.Sell ? ",\"side\":\"sell\""u8 : ",\"side\":\"mid\""u8, ref w);
        }

        if (conditions != TradeConditions.None)
        {
            Put(",\"conditions\":["u8, ref w);
            var first = true;
            foreach (var flag in Enum.GetValues<TradeConditions>())
            {
                if (flag != TradeConditions.None && conditions.HasFlag(flag))
                {
                    Put(first ? "\""u8 : ",\""u8, ref w);
                    w += System.Text.Encoding.ASCII.GetBytes(TradeConditionNames.Name(flag), _raw.AsSpan(w));
                    _raw[w++] = (byte)'"';
                    first = false;
                }
            }

            _raw[w++] = (byte)']';
        }

        Put(",\"id\":\""u8, ref w);
        Put(id, ref w);
        Put("\"}"u8, ref w);
        return _raw.AsSpan(0, w);
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

    /// <summary>As <see cref="FormatTimestamp"/>, reusing the text up to the second while the second is the same.</summary>
    private int TimestampCached(long nanos, Span<byte> text)
    {
        var second = Math.DivRem(nanos, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            second--;
            fraction += 1_000_000_000L;
        }

        if (second != _second)
        {
            FormatTimestamp(second * 1_000_000_000L, text);
            text[..20].CopyTo(_secondText);
            _second = second;
        }

        _secondText.CopyTo(text);
        for (var i = 28; i >= 20; i--)
        {
            text[i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        text[29] = (byte)'Z';
        return 30;
    }

    private void Put(ReadOnlySpan<byte> bytes, ref int w)
    {
        bytes.CopyTo(_raw.AsSpan(w));
        w += bytes.Length;
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

/// <summary>
/// A contract as trades name it, with its underlying: the names, and <see cref="Names"/>, the JSON text
/// <c>,"underlying":"…","contract":"…"</c> encoded once (escaped as JSON requires) for the trade writer.
/// </summary>
public sealed class VendorContract
{
    public VendorContract(string underlying, string contract)
    {
        Underlying = underlying;
        Contract = contract;
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("underlying"u8, underlying);
            w.WriteString("contract"u8, contract);
            w.WriteEndObject();
        }

        Names = [(byte)',', .. buffer.WrittenSpan[1..^1]];
    }

    public string Underlying { get; }

    public string Contract { get; }

    public byte[] Names { get; }
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

    private static readonly ulong[] Powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000];

    /// <summary>The decimal text into <paramref name="destination"/> (32 bytes is always enough); returns its length.</summary>
    public int Format(Span<byte> destination)
    {
        var w = 0;
        var magnitude = Units < 0 ? (ulong)-(Units + 1) + 1 : (ulong)Units;
        if (Units < 0)
        {
            destination[w++] = (byte)'-';
        }

        var power = Powers[Scale];
        var whole = magnitude / power;
        var fraction = magnitude % power;
        whole.TryFormat(destination[w..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        w += written;
        if (fraction == 0)
        {
            return w;
        }

        var digits = Scale;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        destination[w++] = (byte)'.';
        for (var i = w + digits - 1; i >= w; i--)
        {
            destination[i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        return w + digits;
    }
}
