using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Fastly;

public static class FastlyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Fastly URL purge provider: <see cref="FastlyOptions"/> bound from
    /// <c>Purge:Fastly</c> and checked at start, a typed <see cref="HttpClient"/> with the configured
    /// timeout (retries belong to the purge queue), and the provider as an <see cref="IPurgeProvider"/>.
    /// The caller registers <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddFastlyPurgeProvider(this IServiceCollection services)
    {
        services.AddOptions<FastlyOptions>()
            .BindSettings(FastlyOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FastlyOptions>, FastlyOptionsValidator>());
        services.TryAddSingleton<Budget.RateBudget>();
        services.AddHttpClient<FastlyPurgeProvider>((provider, client) =>
                client.Timeout = provider.GetRequiredService<IOptions<FastlyOptions>>().Value.Timeout)
            .RedactLoggedHeaders(["Fastly-Key"]);
        services.AddTransient<IPurgeProvider>(provider => provider.GetRequiredService<FastlyPurgeProvider>());
        return services;
    }
}
