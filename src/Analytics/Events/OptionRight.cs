namespace FlowFunctions.Analytics.Events;

/// <summary>Call or put.</summary>
public enum OptionRight : byte
{
    Call = 1,
    Put = 2,
}

public static class OptionRightExtensions
{
    /// <summary>The OCC letter, <c>C</c> or <c>P</c>.</summary>
    public static char Letter(this OptionRight right) => right == OptionRight.Call ? 'C' : 'P';

    /// <summary>The lower-case word used in API responses, <c>call</c> or <c>put</c>.</summary>
    public static string Word(this OptionRight right) => right == OptionRight.Call ? "call" : "put";
}
