namespace FlowFunctions.Analytics.Events;

/// <summary>
/// Every reason the parser gives for refusing an event or part of a batch, in one place, worded for the person who sent
/// it (docs/methodology.md §11 lists the bounds; docs/api.md "Events" the contract). The parser never writes a message
/// of its own.
/// </summary>
internal static class EventErrors
{
    // Framing.
    public static string MalformedInArray(long at) => $"malformed JSON inside the array at byte {at}; the rest of the array was not read";

    public static string Malformed(long at, string description) => $"malformed JSON at byte {at}: {description}";

    public const string NotAnObject = "event must be a JSON object";
    public const string EmptyMessage = "empty message: expected a JSON event or an array of events";

    // Required fields and the accepted window.
    public const string TypeRequired = "type is required";
    public const string TypeUnknown = "type must be trade, chain, spot or cancel";
    public const string TsRequired = "ts is required";
    public const string TsForm = "ts must be an ISO 8601 timestamp with an offset, such as 2026-06-05T18:44:03Z";
    public const string UnderlyingRequired = "underlying is required";
    public const string ExpiryRequired = "expiry is required (or give contract as an OCC symbol)";
    public const string StrikeRequired = "strike is required";
    public const string RightRequired = "right is required";
    public const string SizeRequired = "size is required";
    public const string CancelIdRequired = "id is required for a cancel: it names the print it cancels";

    public static string BeforeWindow(string ts, string start) => $"ts {ts} is before the accepted window, which starts at {start}";

    public static string AfterWindow(string ts, string end) => $"ts {ts} is after the accepted window, which ends at {end}";

    public static string Required(string name) => $"{name} is required";

    // Values.
    public const string Right = "right must be C or P (or call or put)";
    public const string Side = "side must be buy, sell or mid";
    public const string Occ = "contract must be an OCC option symbol such as SPY260619C00590000";
    public const string Conditions = "conditions must be an array of strings";
    public const string SizeAtLeastOne = "size must be >= 1";
    public const string SizeWhole = "size must be a whole number of contracts";
    public const string Strike = "strike must be a positive price of at most 99999.999 in steps of 0.001";
    public const string AskBelowBid = "ask must be >= bid";

    public static readonly string SizeTooLarge = $"size must be <= {EventLimits.MaxSize}";
    public static readonly string BidRange = $"bid must be between 0 and {EventLimits.MaxPrice}";
    public static readonly string AskRange = $"ask must be between 0 and {EventLimits.MaxPrice}";
    public static readonly string OpenInterest = $"oi must be a whole number from 0 to {EventLimits.MaxOpenInterest}";
    public static readonly string TooManyConditions = $"conditions may hold at most {EventLimits.MaxConditions} entries";
    public static readonly string ExpiryTooFar = $"expiry is more than {EventLimits.MaxExpiryYears} years after the trade date";

    public static string MustBePositive(string name) => $"{name} must be > 0";

    public static string AtMost(string name, double max) => $"{name} must be <= {max}";

    public static string AtLeastOneTick(string name) => $"{name} must be at least one tick ({EventLimits.PriceTick})";

    public static string OutOfRange(string name) => $"{name} is out of range";

    public static string NotANumber(string name) => $"{name} must be a number";

    public static string DateForm(string name) => $"{name} must be a date in yyyy-MM-dd form";

    public static string Symbol(string name) => $"{name} must be 1-{EventLimits.MaxSymbolLength} characters of A-Z, 0-9, '.', '_' or '-'";

    public static string NotString(string name) => $"{name} must be a string";

    public static string TooLong(string name, int max) => $"{name} must be at most {max} characters";

    public static string LoneSurrogate(string name) => $"{name} is not valid text (an escape decodes to a lone surrogate)";

    public static string ExpiryBeforeTradeDate(DateOnly expiry, DateOnly trade) => $"expiry {expiry:yyyy-MM-dd} is before the trade date {trade:yyyy-MM-dd}";

    // Chains.
    public const string ContractsRequired = "contracts is required for a chain event";
    public const string ContractsNotArray = "contracts must be an array of objects";
    public const string ContractsEmpty = "contracts must not be empty";
    public const string OiRequired = "oi is required";

    public static string ContractNotObject(int i) => $"contracts[{i}] must be an object";

    public static string InContract(int i, string error) => $"contracts[{i}]: {error}";

    public static string TooManyContracts(int max) => $"a chain event may carry at most {max} contracts";
}
