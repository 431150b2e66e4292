using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Purge.Akamai;

public static class AkamaiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Akamai Fast Purge provider: <see cref="AkamaiOptions"/> bound from
    /// <c>Purge:Akamai</c> and checked at start, a typed <see cref="HttpClient"/> with the configured
    /// timeout (retries belong to the purge queue, not to the client), and the provider as an
    /// <see cref="IPurgeProvider"/>. The caller registers <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddAkamaiPurgeProvider(this IServiceCollection services)
    {
        services.AddOptions<AkamaiOptions>()
            .BindSettings(AkamaiOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AkamaiOptions>, AkamaiOptionsValidator>());
        services.TryAddSingleton<AkamaiPurgeState>();
        services.TryAddSingleton<Budget.RateBudget>();
        services.AddHttpClient<AkamaiPurgeProvider>((provider, client) =>
                client.Timeout = provider.GetRequiredService<IOptions<AkamaiOptions>>().Value.Timeout)
            .RedactLoggedHeaders(["Authorization"]);
        services.AddTransient<IPurgeProvider>(provider => provider.GetRequiredService<AkamaiPurgeProvider>());
        return services;
    }
}
