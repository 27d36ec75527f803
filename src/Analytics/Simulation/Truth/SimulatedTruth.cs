using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Analytics.Simulation.Truth;

/// <summary>
/// Everything the simulator knows about its tape that the tape does not say: each print's true side, initiator,
/// opening and closing, and package, and each contract's closing open interest and dealer position
/// (docs/simulated-tape.md, "Truth"). Filled as the simulator generates when <see cref="SimulatorOptions.RecordTruth"/>
/// is set. Not thread-safe.
/// </summary>
public sealed class SimulatedTruth
{
    private readonly Dictionary<(string Underlying, TradeId Id), int> _byId = [];
    private readonly List<PrintTruth> _prints = [];

    /// <summary>Every print generated so far, in the order generated.</summary>
    public IReadOnlyList<PrintTruth> Prints => _prints;

    /// <summary>Per underlying and contract: open interest and dealer position in the morning and after the last print generated.</summary>
    public Dictionary<(string Underlying, OptionKey Contract), ContractTruth> Contracts { get; } = [];

    public bool TryGetPrint(string underlying, TradeId id, out PrintTruth truth)
    {
        if (_byId.TryGetValue((underlying, id), out var index))
        {
            truth = _prints[index];
            return true;
        }

        truth = default;
        return false;
    }

    internal void Add(in PrintTruth print)
    {
        _byId[(print.Underlying, print.Id)] = _prints.Count;
        _prints.Add(print);
    }
}
