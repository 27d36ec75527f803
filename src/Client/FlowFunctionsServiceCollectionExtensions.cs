using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowFunctions.Client;

/// <summary>Registers <see cref="FlowFunctionsClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class FlowFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client, configured by <paramref name="configure"/> (the address and key at least). The builder returned
    /// adds handlers or settings to its <see cref="HttpClient"/>, as for any typed client.
    /// </summary>
    public static IHttpClientBuilder AddFlowFunctionsClient(this IServiceCollection services, Action<FlowFunctionsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FlowFunctionsClientOptions>().Configure(configure);
        return services.AddHttpClient(nameof(FlowFunctionsClient))
            .ConfigurePrimaryHttpMessageHandler(FlowFunctionsClient.NoRedirects)
            .AddTypedClient((http, provider) => new FlowFunctionsClient(http, provider.GetRequiredService<IOptions<FlowFunctionsClientOptions>>().Value));
    }
}
