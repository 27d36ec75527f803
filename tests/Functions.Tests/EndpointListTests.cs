using FlowFunctions.Functions.Api;
using FlowFunctions.Functions.Auth;
using FlowFunctions.Functions.Tests.FunctionApp;
using FlowFunctions.Functions.Triggers;
using FlowFunctions.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowFunctions.Functions.Tests;

/// <summary>
/// <see cref="Endpoints"/> is the one list of HTTP endpoints: in each run mode the app maps exactly its entries (the
/// function app adds only the trigger invocations), each with the entry's route, methods, name and access, and every
/// entry with a function has exactly that function folder.
/// </summary>
public sealed class EndpointListTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheAppMapsExactlyTheListInEachMode(bool functionApp)
    {
        using var app = functionApp ? HostProtocolTests.FunctionApp() : new FlowApiFactory();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .ToLookup(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName.Split(':')[0])
            .ToDictionary(g => g.Key, g => g.Key == Endpoints.Docs.Name ? DocsPage(g) : g.Single());

        var expected = Endpoints.All.Where(e => !(functionApp && e.StandaloneOnly)).ToArray();
        var triggers = functionApp ? FunctionNames.Triggers : [];
        Assert.Equal(expected.Select(e => e.Name).Concat(triggers).Order(), mapped.Keys.Order());
        foreach (var entry in expected)
        {
            var endpoint = mapped[entry.Name];
            // MapMcp maps its POST under a group, so its pattern is "/mcp/" (which matches "/mcp").
            Assert.Equal(entry.Path, entry == Endpoints.Mcp ? endpoint.RoutePattern.RawText!.TrimEnd('/') : entry == Endpoints.Docs ? DocsPrefix(endpoint) : endpoint.RoutePattern.RawText);
            Assert.Equal(entry.Methods, endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods);
            Assert.Equal(entry.Access == EndpointAccess.Plan ? entry.Plan : null, endpoint.Metadata.GetMetadata<PlanRequirement>()?.Plan);
            Assert.Equal(entry.Access == EndpointAccess.Admin, endpoint.Metadata.GetMetadata<AdminRequirement>() is not null);
            Assert.Equal(entry.Access is EndpointAccess.Admin or EndpointAccess.AnyKeyUncounted, endpoint.Metadata.GetMetadata<QuotaExempt>() is not null);
            Assert.Equal(entry.Access != EndpointAccess.Public, (entry.Route.StartsWith("v1/", StringComparison.Ordinal) && entry != Endpoints.OpenApi) || entry == Endpoints.Mcp);
        }
    }

    [Fact]
    public void EveryEntryWithAFunctionHasThatFolderAndNoOtherHttpFunctionExists()
    {
        var functions = FunctionAppLayoutTests.Functions();
        var http = functions.Where(f => FunctionAppLayoutTests.Trigger(f.Value).GetProperty("type").GetString() == "httpTrigger").ToDictionary();
        var withFunction = Endpoints.All.Where(e => e.Function is not null).ToArray();
        Assert.Equal(withFunction.Select(e => e.Name).Order(), http.Keys.Order());
        foreach (var entry in withFunction)
        {
            var trigger = FunctionAppLayoutTests.Trigger(http[entry.Name]);
            Assert.Equal(entry.Function, trigger.GetProperty("route").GetString());
            Assert.Equal(entry.Methods.Select(m => m.ToLowerInvariant()), trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            Assert.False(entry.StandaloneOnly);
        }
    }

    /// <summary>
    /// Scalar maps the reference's page and each of its files, named <c>Docs:&lt;pattern&gt;</c> (Docs/DocsApi.cs): all
    /// under the entry's path, GET only, public. The page's own endpoint stands for the entry.
    /// </summary>
    private static RouteEndpoint DocsPage(IEnumerable<RouteEndpoint> endpoints)
    {
        var all = endpoints.ToArray();
        Assert.True(all.Length >= 3, $"{all.Length} endpoints under /docs");
        Assert.All(all, e => Assert.StartsWith(Endpoints.Docs.Path, e.RoutePattern.RawText, StringComparison.Ordinal));
        Assert.All(all, e => Assert.Equal([HttpMethods.Get], e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods));
        Assert.All(all, e => Assert.Null(e.Metadata.GetMetadata<PlanRequirement>()));
        return all.Single(e => !Path.HasExtension(e.RoutePattern.RawText));
    }

    /// <summary>The page's pattern up to its optional document name (<c>/docs/{documentName?}</c> gives <c>/docs</c>).</summary>
    private static string DocsPrefix(RouteEndpoint page) => page.RoutePattern.RawText!.Split("/{", 2)[0];
}
