using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors.Massive;

/// <summary>
/// Massive's numeric option trade conditions (its <c>/v3/reference/conditions?asset_class=options</c> table, OPRA's
/// sale conditions) in this app's vocabulary (docs/importing.md "Massive"): what a print is marked, whether it withdraws
/// an earlier print, and whether it is no market trade at all.
/// </summary>
public static class MassiveConditions
{
    /// <summary>What one print's conditions say.</summary>
    public readonly record struct Reading(TradeConditions Conditions, bool Cancels, bool NotATrade);

    /// <summary>Reads a conditions cell: codes separated by commas (the CSV quotes a list), or empty.</summary>
    public static Reading Read(ReadOnlySpan<char> cell)
    {
        var conditions = TradeConditions.None;
        var cancels = false;
        var notATrade = false;
        foreach (var range in cell.Split(','))
        {
            if (!int.TryParse(cell[range].Trim(), out var code))
            {
                continue;
            }

            switch (code)
            {
                case 201 or 203 or 205 or 207: // canceled; last, opening or only trade and canceled
                    cancels = true;
                    break;
                case 202 or 204 or 206 or 208: // late (and out of sequence): kept at its own event time
                    conditions |= TradeConditions.Late;
                    break;
                case 219: // intermarket sweep order
                    conditions |= TradeConditions.Sweep;
                    break;
                case 227: // single-leg auction
                    conditions |= TradeConditions.Auction;
                    break;
                case 228: // single-leg auction, ISO
                    conditions |= TradeConditions.Auction | TradeConditions.Sweep;
                    break;
                case 229: // single-leg cross
                    conditions |= TradeConditions.Cross;
                    break;
                case 230: // single-leg cross, ISO
                    conditions |= TradeConditions.Cross | TradeConditions.Sweep;
                    break;
                case 231: // single-leg floor trade
                    conditions |= TradeConditions.Floor;
                    break;
                case >= 232 and <= 236 or 238 or 239 or 246: // multi-leg (electronic, auction, cross, floor, against single legs, proprietary)
                    conditions |= TradeConditions.MultiLeg;
                    break;
                case 237 or (>= 240 and <= 245): // stock-option legs: a leg of a package with stock, not a directional print
                    conditions |= TradeConditions.MultiLeg;
                    break;
                case 247: // multilateral compression: positions netted, no market trade
                    notATrade = true;
                    break;
                default: // 209 automatic execution, 210 reopening, 248 extended hours, unknown codes: a regular print
                    break;
            }
        }

        return new Reading(conditions, cancels, notATrade);
    }
}
