using System.Globalization;

namespace FlowFunctions.Analytics.Streaming;

/// <summary>
/// Where an event of the live flow stream sits in its trading day's journal (docs/api.md "Live flow stream"): the
/// day, the journal page and the event's index in it. Written as the event's SSE id, <c>yyyyMMdd.page.index</c>; a
/// preview (a minute still building, never replayed) adds <c>~n</c> to the id of the durable event before it.
/// <c>yyyyMMdd.0.0</c> is the start of the day. Any instance reads an id the same way: pages are numbered by the
/// journal, not by a process.
/// </summary>
public readonly record struct StreamPosition(DateOnly Day, long Page, int Index) : IComparable<StreamPosition>
{
    /// <summary>The longest id accepted (a day, two numbers, a preview suffix).</summary>
    public const int MaxIdLength = 64;

    public static StreamPosition StartOf(DateOnly day) => new(day, 0, 0);

    public bool IsStartOfDay => Page == 0;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Day:yyyyMMdd}.{Page}.{Index}");

    /// <summary>The id of the <paramref name="n"/>-th preview sent after this position.</summary>
    public string Preview(long n) => string.Create(CultureInfo.InvariantCulture, $"{this}~{n}");

    public int CompareTo(StreamPosition other)
    {
        var c = Day.CompareTo(other.Day);
        c = c != 0 ? c : Page.CompareTo(other.Page);
        return c != 0 ? c : Index.CompareTo(other.Index);
    }

    /// <summary>Reads an id this stream gave (a preview's id reads as the durable position before it); false when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, out StreamPosition position)
    {
        position = default;
        if (id.Length is < 12 or > MaxIdLength)
        {
            return false;
        }

        var tilde = id.IndexOf('~');
        if (tilde >= 0)
        {
            if (!IsDigits(id[(tilde + 1)..], 18))
            {
                return false;
            }

            id = id[..tilde];
        }

        if (id.Length < 12 || id[8] != '.'
            || !DateOnly.TryParseExact(id[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return false;
        }

        var rest = id[9..];
        var dot = rest.IndexOf('.');
        if (dot < 0 || !IsDigits(rest[..dot], 15) || !IsDigits(rest[(dot + 1)..], 9))
        {
            return false;
        }

        var page = long.Parse(rest[..dot], CultureInfo.InvariantCulture);
        var index = int.Parse(rest[(dot + 1)..], CultureInfo.InvariantCulture);
        if (page == 0 && index != 0)
        {
            return false;
        }

        position = new StreamPosition(day, page, index);
        return true;
    }

    public static bool operator <(StreamPosition left, StreamPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamPosition left, StreamPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamPosition left, StreamPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamPosition left, StreamPosition right) => left.CompareTo(right) >= 0;

    private static bool IsDigits(ReadOnlySpan<char> s, int maxLength)
    {
        if (s.Length == 0 || s.Length > maxLength)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
