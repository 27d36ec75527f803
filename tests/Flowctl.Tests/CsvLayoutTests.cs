using System.Text;
using FlowFunctions.Analytics.Events;
using FlowFunctions.Flowctl.Tapes;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>CSV records as events (README, "CSV tapes"): trades with their condition codes, and cancel records.</summary>
public sealed class CsvLayoutTests
{
    [Theory]
    [InlineData("type", "cancel")]
    [InlineData("record_type", "X")]
    [InlineData("cancelled", "true")]
    [InlineData("is_cancel", "1")]
    public void ACancelRecordBecomesACancelOfThePrintItRepeats(string column, string value)
    {
        var layout = CsvLayout.FromHeader($"sip_timestamp,option_symbol,price,size,conditions,trade_id,{column}");
        var trade = Parse(layout, $"1780685043512,O:SPY260605C00590000,1.32,10,sweep;multileg,A77,{(column.StartsWith("type", StringComparison.Ordinal) || column.EndsWith("_type", StringComparison.Ordinal) ? "trade" : "false")}");
        var cancel = Parse(layout, $"1780685043512,O:SPY260605C00590000,1.32,10,,A77,{value}");

        var t = Assert.Single(trade.Trades);
        Assert.Equal(TradeConditions.Sweep | TradeConditions.MultiLeg, t.Conditions);
        var c = Assert.Single(cancel.Cancels);
        Assert.Empty(cancel.Trades);
        Assert.Equal((t.Timestamp, t.Underlying, t.Contract, t.Id), (c.Timestamp, c.Underlying, c.Contract, c.Id));
    }

    private static EventBatch Parse(CsvLayout layout, string line)
    {
        var (json, error) = layout.ToJson(line);
        Assert.True(json is not null, error);
        var batch = new EventParser(new SymbolTable()).Parse(json);
        Assert.True(batch.Rejections.Count == 0, batch.Rejections.FirstOrDefault().Reason + " in " + Encoding.UTF8.GetString(json));
        return batch;
    }
}
