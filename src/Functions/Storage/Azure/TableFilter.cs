using System.Globalization;

namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// OData <c>$filter</c> expressions for the Table service, built from values that are always escaped (single quotes
/// doubled) and typed (<c>123L</c> for Int64, <c>datetime'…'</c>), so caller input can never change a filter's shape.
/// </summary>
public static class TableFilter
{
    public static string Equal(string property, string value) => Compare(property, "eq", value);

    public static string Compare(string property, string op, string value) => $"{Name(property)} {Op(op)} {Quote(value)}";

    public static string Compare(string property, string op, long value) => $"{Name(property)} {Op(op)} {value.ToString(CultureInfo.InvariantCulture)}L";

    public static string Compare(string property, string op, DateTimeOffset value) =>
        $"{Name(property)} {Op(op)} datetime'{value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)}'";

    /// <summary>PartitionKey equal to <paramref name="partition"/> and RowKey in [<paramref name="fromRow"/>, <paramref name="toRow"/>).</summary>
    public static string RowRange(string partition, string fromRow, string toRow) =>
        And(Equal("PartitionKey", partition), Compare("RowKey", "ge", fromRow), Compare("RowKey", "lt", toRow));

    /// <summary>RowKeys that start with <paramref name="prefix"/> in one partition.</summary>
    public static string RowPrefix(string partition, string prefix) => RowRange(partition, prefix, prefix + '\uffff');

    public static string And(params string[] clauses) => string.Join(" and ", clauses.Select(c => $"({c})"));

    public static string Or(params string[] clauses) => string.Join(" or ", clauses.Select(c => $"({c})"));

    /// <summary>A string literal: quotes doubled.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Name(string property) =>
        property.Length > 0 && property.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? property
            : throw new ArgumentException($"'{property}' is not a property name.", nameof(property));

    private static string Op(string op) => op is "eq" or "ne" or "gt" or "ge" or "lt" or "le"
        ? op
        : throw new ArgumentException($"'{op}' is not a comparison.", nameof(op));
}
