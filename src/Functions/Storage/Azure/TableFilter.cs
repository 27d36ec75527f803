namespace FlowFunctions.Functions.Storage.Azure;

/// <summary>
/// OData <c>$filter</c> expressions for the Table service, built from string values that are always escaped (single
/// quotes doubled), with property names and operators checked, so caller input can never change a filter's shape.
/// </summary>
public static class TableFilter
{
    public static string Equal(string property, string value) => Compare(property, "eq", value);

    public static string Compare(string property, string op, string value) => $"{Name(property)} {Op(op)} {Quote(value)}";

    public static string Compare(string property, string op, long value) =>
        $"{Name(property)} {Op(op)} {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}L";

    /// <summary>PartitionKey equal to <paramref name="partition"/> and RowKey in [<paramref name="fromRow"/>, <paramref name="toRow"/>).</summary>
    public static string RowRange(string partition, string fromRow, string toRow) =>
        And(Equal("PartitionKey", partition), Compare("RowKey", "ge", fromRow), Compare("RowKey", "lt", toRow));

    public static string And(params string[] clauses) => string.Join(" and ", clauses.Select(c => $"({c})"));

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
