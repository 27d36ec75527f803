using FlowFunctions.Testing;

namespace FlowFunctions.Flowctl.Tests;

/// <summary>What the import tests check last: a vendor day imported into one prefix answers as the same day in the app's own format, replayed into another.</summary>
internal static class ImportedDay
{
    public static async Task AssertAnswersAsTheNativeDayAsync(AzuriteFixture azurite, FlowctlRunner imported, FlowctlRunner native, string nativeTape, DateOnly today, DateTimeOffset now, int prints)
    {
        var (exit, text) = await native.RunAsync(null, ["replay", nativeTape, "--to", "storage"]);
        Assert.True(exit == 0, text);
        using var a = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, imported.Prefix, functionApp: false), now);
        using var b = new FlowApiFactory(FlowApiFactory.AzureSettings(azurite.Account, native.Prefix, functionApp: false), now);
        var expected = await EndpointAnswers.ReadAsync(b, ["SPY"], today);
        Assert.Equal(prints, EndpointAnswers.Prints(expected));
        EndpointAnswers.AssertSame(expected, await EndpointAnswers.ReadAsync(a, ["SPY"], today));
    }
}
